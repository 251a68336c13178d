package org.pilotline.hmi.opcua;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.methods.AbstractMethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.pilotline.analytics.anomaly.Anomaly;
import org.pilotline.analytics.anomaly.AnomalyLedger;
import org.pilotline.analytics.anomaly.AnomalyLedger.AckResult;
import org.pilotline.hmi.auth.Role;
import org.pilotline.hmi.auth.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code AcknowledgeAnomaly(Id Int64, Comment String)}, on the {@code Anomalies} folder. Only a
 * user logged in with the engineer role may call it; anyone else gets Bad_UserAccessDenied. The
 * results:
 * <ul>
 *   <li>Good: acknowledged now (ledger row, audit-log row with channel {@code opcua}, and a message
 *       on {@code Addresses.ACKNOWLEDGED});
 *   <li>Bad_NotFound: no anomaly has that id;
 *   <li>Bad_InvalidState: it was acknowledged before (by someone, maybe this caller: a retry);
 *   <li>Bad_InvalidArgument: a comment longer than {@link #MAX_COMMENT_CHARS};
 *   <li>Bad_Timeout / Bad_ResourceUnavailable: the database did not answer in time / failed.
 * </ul>
 * The reason is also logged; OPC UA carries no text with a status unless diagnostics are asked for.
 */
final class AcknowledgeMethod extends AbstractMethodInvocationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AcknowledgeMethod.class);
  static final int MAX_COMMENT_CHARS = 2_000;
  static final long ACK_TIMEOUT_MS = 10_000;

  /** The ledger call, run on the result server's pool, and what to do after a success. */
  record Acknowledger(AnomalyLedger ledger, ExecutorService workers, Clock clock, Consumer<Anomaly> acknowledged) {}

  private final Acknowledger acknowledger;

  AcknowledgeMethod(UaMethodNode node, Acknowledger acknowledger) {
    super(node);
    this.acknowledger = acknowledger;
  }

  @Override
  public Argument[] getInputArguments() {
    return new Argument[] {
        new Argument("Id", NodeIds.Int64, ValueRanks.Scalar, null,
            LocalizedText.english("The anomaly's id (Anomalies/<id>/Id)")),
        new Argument("Comment", NodeIds.String, ValueRanks.Scalar, null,
            LocalizedText.english("Why it is acknowledged: cause found, action taken; kept in the audit log"))
    };
  }

  @Override
  public Argument[] getOutputArguments() {
    return new Argument[0];
  }

  @Override
  protected Variant[] invoke(InvocationContext context, Variant[] inputs) throws UaException {
    Optional<User> user = context.getSession().flatMap(UserStoreIdentityValidator::user);
    Object idValue = inputs[0].value();
    if (user.isEmpty() || !user.get().has(Role.ENGINEER)) {
      LOG.warn("acknowledge refused: anomaly={}, user={}, reason=not an engineer",
          idValue, user.map(User::name).orElse(context.getSession().map(Session::getClientUserId).orElse("anonymous")));
      throw new UaException(StatusCodes.Bad_UserAccessDenied, "the engineer role is required");
    }
    if (!(idValue instanceof Long id)) {
      throw new UaException(StatusCodes.Bad_InvalidArgument, "Id must be an Int64");
    }
    String comment = inputs.length > 1 && inputs[1].value() instanceof String s && !s.isBlank() ? s : null;
    if (comment != null && comment.length() > MAX_COMMENT_CHARS) {
      throw new UaException(StatusCodes.Bad_InvalidArgument, "Comment longer than " + MAX_COMMENT_CHARS);
    }
    String name = user.get().name();
    AckResult result;
    try {
      Future<AckResult> pending = acknowledger.workers().submit(() -> acknowledger.ledger()
          .acknowledge(id, name, comment, acknowledger.clock().instant(), "opcua"));
      result = pending.get(ACK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("acknowledge failed: anomaly={}, user={}, reason=ledger did not answer within {} ms", id, name,
          ACK_TIMEOUT_MS);
      throw new UaException(StatusCodes.Bad_Timeout, "the anomaly ledger did not answer in time");
    } catch (ExecutionException e) {
      LOG.warn("acknowledge failed: anomaly={}, user={}, reason={}", id, name, e.getCause().toString());
      throw new UaException(StatusCodes.Bad_ResourceUnavailable, "the anomaly ledger failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UaException(StatusCodes.Bad_Shutdown, "interrupted");
    }
    if (result instanceof AckResult.Acknowledged a) {
      LOG.info("anomaly acknowledged: anomaly={}, cell={}, user={}, channel=opcua", id, a.anomaly().subjectId(), name);
      acknowledger.acknowledged().accept(a.anomaly());
      return new Variant[0];
    }
    if (result instanceof AckResult.AlreadyAcknowledged a) {
      LOG.info("acknowledge refused: anomaly={}, user={}, reason=already acknowledged by {} at {}", id, name,
          a.anomaly().acknowledgedBy(), a.anomaly().acknowledgedAt());
      throw new UaException(StatusCodes.Bad_InvalidState, "anomaly " + id + " was acknowledged by "
          + a.anomaly().acknowledgedBy() + " at " + a.anomaly().acknowledgedAt());
    }
    LOG.info("acknowledge refused: anomaly={}, user={}, reason=no such anomaly", id, name);
    throw new UaException(StatusCodes.Bad_NotFound, "no anomaly has id " + id);
  }
}
