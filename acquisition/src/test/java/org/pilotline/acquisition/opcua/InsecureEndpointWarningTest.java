package org.pilotline.acquisition.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pilotline.acquisition.line.EndpointSecurity;
import org.pilotline.acquisition.line.Equipment;

/** Security None is tolerated silently only on this machine, where the demo's simulator runs. */
class InsecureEndpointWarningTest {
  @ParameterizedTest(name = "{0} {1}/{2}: warn={3}")
  @CsvSource({
      "opc.tcp://127.0.0.1:4840/pilotline/coating, None, None, false",
      "opc.tcp://localhost:4840, None, None, false",
      "opc.tcp://[::1]:4840, None, None, false",
      "opc.tcp://10.0.3.21:4840, None, None, true",
      "opc.tcp://plc-coater.plant.local:4840, None, None, true",
      "opc.tcp://10.0.3.21:4840, Basic256Sha256, Sign, false",
      "opc.tcp://10.0.3.21:4840, Aes256_Sha256_RsaPss, SignAndEncrypt, false"})
  void securityNoneOffThisMachineIsFlagged(String url, String policy, String mode, boolean warn) {
    Equipment equipment = new Equipment("eq", url, new EndpointSecurity(policy, mode), 500, List.of(), List.of());
    assertEquals(warn, MiloEquipmentClient.insecureOffHost(equipment));
  }
}
