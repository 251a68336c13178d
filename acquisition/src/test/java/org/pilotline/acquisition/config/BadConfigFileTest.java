package org.pilotline.acquisition.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pilotline.acquisition.line.ConfigException;

/**
 * Whatever lies in line.yaml or application.yaml, loading ends in a {@link ConfigException} that
 * names the file and says what is wrong; never another exception, never a half-read config.
 * (Wrong types, unknown and missing keys are tabled in LineLoaderTest and ApplicationConfigTest.)
 */
class BadConfigFileTest {
  @TempDir Path dir;

  static Stream<Arguments> garbage() {
    byte[] random = new byte[4096];
    new Random(42).nextBytes(random);
    return Stream.of(
        Arguments.of("random bytes", random, "not UTF-8 text"),
        Arguments.of("a JPEG header", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10}, "not UTF-8 text"),
        Arguments.of("NUL bytes in UTF-8", "stations:\0\0\0\n".getBytes(StandardCharsets.UTF_8), "not valid YAML"),
        Arguments.of("control characters", "a: \u0001\u0002\n".getBytes(StandardCharsets.UTF_8), "not valid YAML"),
        Arguments.of("unterminated quote", "stations:\n  - id: \"coating\n".getBytes(StandardCharsets.UTF_8),
            "not valid YAML at line"),
        Arguments.of("tab indentation", "stations:\n\t- id: x\n".getBytes(StandardCharsets.UTF_8), "not valid YAML at line"),
        Arguments.of("unbalanced flow", "stations: [ {id: x\n".getBytes(StandardCharsets.UTF_8), "not valid YAML at line"),
        Arguments.of("a Java object tag", "x: !!java.io.File [\"/etc\"]\n".getBytes(StandardCharsets.UTF_8), "not valid YAML"),
        Arguments.of("a scalar root", "just text\n".getBytes(StandardCharsets.UTF_8), ""),
        Arguments.of("a list root", "- 1\n- 2\n".getBytes(StandardCharsets.UTF_8), ""));
  }

  static Stream<Arguments> loaders() {
    Function<Path, Object> line = LineLoader::load;
    Function<Path, Object> application = p -> ApplicationConfig.load(p, Map.of(), Map.of());
    return Stream.of(Arguments.of("line.yaml", line), Arguments.of("application.yaml", application));
  }

  static Stream<Arguments> cases() {
    return loaders().flatMap(l -> garbage().map(g -> Arguments.of(l.get()[0], g.get()[0], l.get()[1], g.get()[1], g.get()[2])));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  @SuppressWarnings("unused")
  void garbageEndsInAConfigErrorNamingTheFile(String fileName, String kind, Function<Path, Object> load,
      byte[] content, String fault) throws Exception {
    Path file = dir.resolve(fileName);
    Files.write(file, content);
    ConfigException e = assertThrows(ConfigException.class, () -> load.apply(file));
    assertEquals(file.toString(), e.file());
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(fault), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("loaders")
  void aFolderWhereTheFileShouldBeIsAConfigError(String fileName, Function<Path, Object> load) throws Exception {
    Path folder = Files.createDirectory(dir.resolve(fileName));
    ConfigException e = assertThrows(ConfigException.class, () -> load.apply(folder));
    assertTrue(e.getMessage().startsWith(folder + ": cannot read"), e.getMessage());
  }
}
