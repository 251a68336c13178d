package org.pilotline.acquisition.opcua.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DraftNamesTest {

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', value = {
      "webSpeed                  | webSpeed",
      "Dry room and glovebox     | dryRoomAndGlovebox",
      "DB_Coater                 | dbCoater",
      "H2S                       | h2s",
      "Oven Zone 1.Temperature   | ovenZone1Temperature",
      "Öfen-Temp.                | ofenTemp",
      "unit/currentLot           | unitCurrentLot",
      "1st stage                 | 1stStage",
      "'  spaced  out  '         | spacedOut",
  })
  void browseNamesBecomeLowerCamelIds(String browseName, String expected) {
    assertEquals(expected, DraftNames.lowerCamel(browseName, "tag"));
  }

  @Test
  void namesWithNothingUsableFallBack() {
    assertEquals("tag", DraftNames.lowerCamel("温度", "tag"));
    assertEquals("tag", DraftNames.lowerCamel("---", "tag"));
  }

  @Test
  void pathPartsAreJoined() {
    assertEquals("zone1Temperature", DraftNames.lowerCamel(List.of("Zone1", "Temperature"), "tag"));
  }

  @Test
  void veryLongNamesAreCut() {
    assertEquals(DraftNames.MAX_LENGTH, DraftNames.lowerCamel("a".repeat(200), "tag").length());
  }

  // Two browse names that mangle to the same id (or differ only in case) must not collide.
  @Test
  void claimsAreMadeUniqueIgnoringCase() {
    DraftNames names = new DraftNames();
    assertEquals("temperature", names.claim("temperature"));
    assertEquals("temperature_2", names.claim("temperature"));
    assertEquals("Temperature_3", names.claim("Temperature"));
    assertEquals("temperature_2_2", names.claim("temperature_2"));
  }
}
