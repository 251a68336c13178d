package org.pilotline.acquisition.opcua;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Milo's and Netty's DEBUG output out of test runs while the module has no logback-test.xml;
 * the client's own INFO and WARN lines stay visible.
 */
final class TestLogging {
  private TestLogging() {}

  static void quietLibraries() {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(Level.INFO);
    }
    for (String name : new String[] {"org.eclipse.milo", "io.netty", "io.vertx"}) {
      if (LoggerFactory.getLogger(name) instanceof Logger logger) {
        logger.setLevel(Level.WARN);
      }
    }
  }
}
