package org.pilotline.analytics.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCodecTest {
  private static final int ROWS = 400;
  private static final int D = 6;

  private static Imputation allKept(List<String> names, double[][] x) {
    return Imputation.fit(names, x, 0.2);
  }

  // The registry stores bytes; a model read back must score exactly as the one trained.
  @Test
  void bothModelsRoundTripToIdenticalScores() {
    SyntheticCells cells = new SyntheticCells(D, 11);
    double[][] x = cells.rows(ROWS);
    List<AnomalyModel> models = List.of(
        IsolationForestModel.fit(x, cells.names(), IsolationForestParams.extended(ROWS, D, 5), 0.02),
        PcaModel.fit(x, cells.names(), PcaParams.components(3), 0.02));
    for (AnomalyModel model : models) {
      Imputation imputation = allKept(cells.names(), x);
      ModelCodec.Decoded decoded = ModelCodec.decode(ModelCodec.encode(model, imputation));

      assertEquals(model.getClass(), decoded.model().getClass());
      assertEquals(model.trained(), decoded.model().trained());
      assertEquals(imputation, decoded.imputation());
      for (int i = 0; i < 50; i++) {
        double[] probe = i % 2 == 0 ? cells.next() : cells.outlier(i % D, 5, x);
        assertEquals(model.score(probe), decoded.model().score(probe),
            model.trained().kind() + " probe " + i);
      }
    }
  }

  @Test
  void truncatedBytesAreRefusedAsCorrupt() {
    SyntheticCells cells = new SyntheticCells(D, 12);
    double[][] x = cells.rows(ROWS);
    PcaModel model = PcaModel.fit(x, cells.names(), PcaParams.components(2), 0.02);
    byte[] bytes = ModelCodec.encode(model, allKept(cells.names(), x));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelCodec.decode(Arrays.copyOf(bytes, bytes.length - 9)));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ModelCodec.decode(new byte[] {1, 2, 3, 4}));
  }

  // The forest part is Java serialization: anything but Smile's forest classes must be refused,
  // so a tampered row cannot instantiate arbitrary classes.
  @Test
  void aForestPartHoldingAnotherClassIsRefused() throws Exception {
    SyntheticCells cells = new SyntheticCells(D, 13);
    double[][] x = cells.rows(ROWS);
    IsolationForestModel model = IsolationForestModel.fit(x, cells.names(),
        IsolationForestParams.classic(ROWS, 1), 0.02);
    byte[] good = ModelCodec.encode(model, allKept(cells.names(), x));
    ByteArrayOutputStream forest = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(forest)) {
      oos.writeObject(new java.util.HashMap<>(Map.of("x", 1)));
    }
    // Rebuild: the bytes up to the forest length, then the foreign object.
    ByteArrayOutputStream realForest = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(realForest)) {
      oos.writeObject(model.forest());
    }
    byte[] real = realForest.toByteArray();
    int head = good.length - real.length - 4;
    ByteArrayOutputStream tampered = new ByteArrayOutputStream();
    tampered.write(good, 0, head);
    try (DataOutputStream out = new DataOutputStream(tampered)) {
      out.writeInt(forest.size());
      forest.writeTo(out);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelCodec.decode(tampered.toByteArray()));
    assertTrue(e.getMessage().contains("Isolation") || e.getMessage().contains("corrupt"),
        e.getMessage());
  }
}
