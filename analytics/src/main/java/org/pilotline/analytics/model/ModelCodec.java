package org.pilotline.analytics.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import smile.anomaly.IsolationForest;

/**
 * The bytes of a fitted model and its missing-value policy, as kept in {@code model.serialized}.
 *
 * <p>Layout: magic {@code PLM1}, a format number, the {@link TrainedModel} and the
 * {@link Imputation} field by field, then the model's own parts: for PCA its centre, loadings,
 * score variances and limits (plain doubles); for the Isolation Forest its training medians and
 * Smile's {@code IsolationForest} in Java serialization, which is the only way to its trees (their
 * fields are private in Smile 3.1.1). That stream is read through a filter that admits Smile's
 * three forest classes and nothing else, so bytes from a tampered table cannot instantiate
 * arbitrary classes. Decoding gives a model that scores bit-for-bit as the one encoded.
 */
public final class ModelCodec {
  private static final int MAGIC = 0x504c4d31; // "PLM1"
  private static final int FORMAT = 1;
  private static final ObjectInputFilter FOREST_ONLY = ObjectInputFilter.Config.createFilter(
      "maxdepth=200;maxrefs=10000000;smile.anomaly.IsolationForest;smile.anomaly.IsolationTree;"
          + "smile.anomaly.IsolationTree$Node;!*");

  private ModelCodec() {}

  /** A decoded model with the policy that prepares its input. */
  public record Decoded(AnomalyModel model, Imputation imputation) {}

  public static byte[] encode(AnomalyModel model, Imputation imputation) {
    if (!model.trained().featureNames().equals(imputation.features())) {
      throw new IllegalArgumentException("the model's features " + model.trained().featureNames()
          + " are not the imputation's " + imputation.features());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      writeTrained(out, model.trained());
      writeImputation(out, imputation);
      if (model instanceof IsolationForestModel f) {
        writeDoubles(out, f.medians());
        ByteArrayOutputStream forest = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(forest)) {
          oos.writeObject(f.forest());
        }
        out.writeInt(forest.size());
        forest.writeTo(out);
      } else if (model instanceof PcaModel p) {
        writeDoubles(out, p.center());
        double[][] loadings = p.loadings();
        out.writeInt(loadings.length);
        for (double[] row : loadings) {
          writeDoubles(out, row);
        }
        writeDoubles(out, p.lambda());
        out.writeDouble(p.t2Limit());
        out.writeDouble(p.speLimit());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode model: " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a model of this format
   */
  public static Decoded decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a pilotline model (bad magic)");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unknown model format " + format + "; this build reads "
            + FORMAT);
      }
      TrainedModel trained = readTrained(in);
      Imputation imputation = readImputation(in);
      AnomalyModel model;
      if (trained.kind() == ModelKind.ISOLATION_FOREST) {
        double[] medians = readDoubles(in);
        byte[] forest = new byte[checkedLength(in.readInt(), 1 << 30)];
        in.readFully(forest);
        model = IsolationForestModel.restore(readForest(forest), trained, medians);
      } else {
        double[] center = readDoubles(in);
        double[][] loadings = new double[checkedLength(in.readInt())][];
        for (int j = 0; j < loadings.length; j++) {
          loadings[j] = readDoubles(in);
        }
        double[] lambda = readDoubles(in);
        model = PcaModel.restore(trained, center, loadings, lambda, in.readDouble(), in.readDouble());
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("trailing bytes after the model");
      }
      return new Decoded(model, imputation);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt model bytes: " + e, e);
    }
  }

  private static IsolationForest readForest(byte[] bytes) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(FOREST_ONLY);
      return (IsolationForest) in.readObject();
    } catch (ClassNotFoundException | ClassCastException e) {
      throw new IllegalArgumentException("the forest part is not a Smile IsolationForest: " + e, e);
    }
  }

  private static void writeTrained(DataOutputStream out, TrainedModel t) throws IOException {
    out.writeUTF(t.kind().name());
    out.writeInt(t.parameters().size());
    for (Map.Entry<String, Double> p : t.parameters().entrySet()) {
      out.writeUTF(p.getKey());
      out.writeDouble(p.getValue());
    }
    writeStrings(out, t.featureNames());
    writeDoubles(out, t.standardisation().mean());
    writeDoubles(out, t.standardisation().sd());
    out.writeDouble(t.threshold());
    out.writeDouble(t.targetFalseAlarmRate());
    out.writeDouble(t.trainingFalseAlarmRate());
    out.writeInt(t.trainingRows());
  }

  private static TrainedModel readTrained(DataInputStream in) throws IOException {
    ModelKind kind = ModelKind.valueOf(in.readUTF());
    int n = in.readInt();
    Map<String, Double> parameters = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      parameters.put(in.readUTF(), in.readDouble());
    }
    List<String> names = readStrings(in);
    Standardisation s = new Standardisation(readDoubles(in), readDoubles(in));
    return new TrainedModel(kind, parameters, names, s, in.readDouble(), in.readDouble(),
        in.readDouble(), in.readInt());
  }

  private static void writeImputation(DataOutputStream out, Imputation m) throws IOException {
    writeStrings(out, m.features());
    writeDoubles(out, m.fill());
    out.writeInt(m.dropped().size());
    for (Map.Entry<String, Double> d : m.dropped().entrySet()) {
      out.writeUTF(d.getKey());
      out.writeDouble(d.getValue());
    }
    out.writeDouble(m.maxMissingFraction());
  }

  private static Imputation readImputation(DataInputStream in) throws IOException {
    List<String> features = readStrings(in);
    double[] fill = readDoubles(in);
    int n = in.readInt();
    Map<String, Double> dropped = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      dropped.put(in.readUTF(), in.readDouble());
    }
    return new Imputation(features, fill, dropped, in.readDouble());
  }

  private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
    out.writeInt(values.size());
    for (String v : values) {
      out.writeUTF(v);
    }
  }

  private static List<String> readStrings(DataInputStream in) throws IOException {
    int n = checkedLength(in.readInt());
    List<String> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(in.readUTF());
    }
    return values;
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    for (double v : values) {
      out.writeDouble(v);
    }
  }

  private static double[] readDoubles(DataInputStream in) throws IOException {
    double[] values = new double[checkedLength(in.readInt())];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readDouble();
    }
    return values;
  }

  // A corrupt length must fail as corrupt input, not as an OutOfMemoryError.
  private static int checkedLength(int n) {
    return checkedLength(n, 1_000_000);
  }

  private static int checkedLength(int n, int max) {
    if (n < 0 || n > max) {
      throw new IllegalArgumentException("corrupt model bytes: length " + n);
    }
    return n;
  }
}
