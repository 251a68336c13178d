// A generic node-opcua client for pilotline's interop ITs: it plays a third-party OPC UA client
// (an MES, a SCADA) against pilotline's servers. One command per run; every result is a JSON
// line on stdout; logs go to stderr.
//
//   node client.js --endpoint <url> [--policy None|Basic256Sha256|Aes256_Sha256_RsaPss|...]
//       [--mode None|Sign|SignAndEncrypt] [--user <name>] --pki <folder> [--trust <server-cert>]
//       <command> [args]
//
// The password of --user comes from the environment variable OPCUA_PASSWORD, never from the
// command line. The client's own certificate lives in --pki (created on first use); the server's
// certificate is trusted only when given with --trust (an unknown one is rejected).
//
// 64-bit integers are printed as decimal strings.
// Commands (NodeIds as text: ns=2;s=X, i=85, or nsu=<namespace uri>;s=X, resolved against the
// server's namespace array):
//   certificate <out.der>               write the client's certificate (DER) and exit; no server
//   read <nodeId>...                    {"nodeId","status","dataType","value","sourceTimestamp"}
//   subscribe <nodeId> <seconds>        one line per data change, then {"done":true,"changes":n}
//   browse <nodeId>                     one line per forward hierarchical reference
//   browse-path <startNodeId> <path>    resolves a relative path (/2:Name/3:Other) to a NodeId
//   call <objectId> <methodId> [<type>:<value>]...
//                                       {"status","outputArguments":[...]}
// Exit status: 0 when every operation was Good; 1 with {"error","status"} when one was not
// (the status is the OPC UA name, e.g. BadUserAccessDenied); 2 on a usage error.
"use strict";

const fs = require("fs");
const path = require("path");
const {
  OPCUAClient,
  OPCUACertificateManager,
  MessageSecurityMode,
  SecurityPolicy,
  AttributeIds,
  DataType,
  Variant,
  VariantArrayType,
  StatusCodes,
  TimestampsToReturn,
  BrowseDirection,
  makeBrowsePath,
  resolveNodeId,
  ClientMonitoredItem,
  UserTokenType,
} = require("node-opcua");

function usage(message) {
  process.stderr.write("node-opcua test client: " + message + "\n");
  process.exit(2);
}

function emit(object) {
  process.stdout.write(JSON.stringify(object, replacer) + "\n");
}

// Values as JSON can carry them: NodeIds and other structures as their text, bytes as base64.
function replacer(key, value) {
  if (typeof value === "bigint") return value.toString();
  if (value && value.type === "Buffer" && Array.isArray(value.data)) return Buffer.from(value.data).toString("base64");
  return value;
}

function plain(value) {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value, plain);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (typeof value === "object") {
    if (value.constructor && value.constructor.name === "LocalizedText") return value.text;
    if (value.constructor && value.constructor.name === "QualifiedName") return value.toString();
    if (typeof value.toJSON === "function") return value.toJSON();
    if (value.constructor && value.constructor.name.includes("NodeId")) return value.toString();
    return String(value);
  }
  return value;
}

// node-opcua holds a 64-bit integer as [high, low] unsigned 32-bit words.
function toWords(big) {
  const unsigned = big < 0n ? (1n << 64n) + big : big;
  return [Number(unsigned >> 32n), Number(unsigned & 0xffffffffn)];
}

// A Variant's value as JSON; 64-bit integers as decimal strings (a JSON number may round them).
function variantValue(variant) {
  const type = variant.dataType;
  if (type === DataType.Int64 || type === DataType.UInt64) {
    const one = (w) => {
      if (!Array.isArray(w)) return String(w);
      let v = (BigInt(w[0]) << 32n) | BigInt(w[1] >>> 0);
      if (type === DataType.Int64 && v >= 1n << 63n) v -= 1n << 64n;
      return v.toString();
    };
    const v = variant.value;
    return Array.isArray(v) && (v.length === 0 || Array.isArray(v[0])) ? v.map(one) : one(v);
  }
  return plain(variant.value);
}

function statusName(statusCode) {
  return statusCode && statusCode.name ? statusCode.name : String(statusCode);
}

// node-opcua reports most refusals as an Error whose message names the status.
function statusIn(err, fallback) {
  const match = /Bad[A-Za-z]+/.exec(err && err.message ? err.message : "");
  return match ? match[0] : fallback;
}

class Failure extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function parseArgs(argv) {
  const o = { endpoint: null, policy: "None", mode: "None", user: null, pki: null, trust: [], command: null, args: [] };
  const rest = argv.slice(2);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      if (i + 1 >= rest.length) usage(a + " needs a value");
      return rest[++i];
    };
    if (o.command) o.args.push(a);
    else if (a === "--endpoint") o.endpoint = value();
    else if (a === "--policy") o.policy = value();
    else if (a === "--mode") o.mode = value();
    else if (a === "--user") o.user = value();
    else if (a === "--pki") o.pki = value();
    else if (a === "--trust") o.trust.push(value());
    else if (a.startsWith("--")) usage("unknown option " + a);
    else o.command = a;
  }
  if (!o.command) usage("give a command: certificate, read, subscribe, browse, browse-path, call");
  if (!o.pki) usage("give --pki <folder>");
  if (o.command !== "certificate" && !o.endpoint) usage("give --endpoint <url>");
  if (!(o.policy in SecurityPolicy)) usage("unknown --policy " + o.policy);
  if (!(o.mode in MessageSecurityMode)) usage("unknown --mode " + o.mode);
  return o;
}

function readDer(file) {
  const content = fs.readFileSync(file);
  return content.toString("latin1").includes("-----BEGIN CERTIFICATE-----")
    ? Buffer.from(content.toString("ascii").replace(/-----[^-]+-----|\s/g, ""), "base64")
    : content;
}

// "Double:1.5", "String:abc", "Boolean:true", "NodeId:ns=2;s=x", "LocalizedText:text"...
function parseArgument(text) {
  const colon = text.indexOf(":");
  if (colon <= 0) usage("a method argument is <type>:<value>, got " + text);
  const type = text.slice(0, colon);
  const raw = text.slice(colon + 1);
  if (!(type in DataType)) usage("unknown argument type " + type);
  let value;
  switch (type) {
    case "Boolean": value = raw === "true"; break;
    case "String": value = raw; break;
    case "NodeId": value = resolveNodeId(raw); break;
    case "LocalizedText": value = { text: raw }; break;
    case "Int64": case "UInt64": value = toWords(BigInt(raw)); break;
    default: value = Number(raw);
  }
  return new Variant({ dataType: DataType[type], arrayType: VariantArrayType.Scalar, value });
}

async function main() {
  const o = parseArgs(process.argv);
  const certificateManager = new OPCUACertificateManager({
    rootFolder: o.pki,
    automaticallyAcceptUnknownCertificate: false,
  });
  await certificateManager.initialize();
  for (const file of o.trust) {
    await certificateManager.trustCertificate(readDer(file));
  }
  const client = OPCUAClient.create({
    applicationName: "pilotline-interop-client",
    applicationUri: "urn:pilotline:node-opcua-interop-client",
    clientCertificateManager: certificateManager,
    securityPolicy: SecurityPolicy[o.policy],
    securityMode: MessageSecurityMode[o.mode],
    endpointMustExist: true,
    // One try: a test wants the refusal, not a client that keeps retrying.
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: 20000,
  });

  if (o.command === "certificate") {
    if (o.args.length !== 1) usage("certificate <out.der>");
    await client.createDefaultCertificate();
    fs.writeFileSync(o.args[0], readDer(client.certificateFile));
    emit({ certificate: path.resolve(o.args[0]), applicationUri: "urn:pilotline:node-opcua-interop-client" });
    return 0;
  }

  const password = process.env.OPCUA_PASSWORD;
  if (o.user && !password) usage("--user needs the password in OPCUA_PASSWORD");
  const identity = o.user
    ? { type: UserTokenType.UserName, userName: o.user, password }
    : { type: UserTokenType.Anonymous };

  try {
    await client.connect(o.endpoint);
  } catch (err) {
    throw new Failure("connect " + o.endpoint + ": " + err.message, statusIn(err, "BadCommunicationError"));
  }
  let session;
  try {
    try {
      session = await client.createSession(identity);
    } catch (err) {
      throw new Failure("session: " + err.message, statusIn(err, "BadIdentityTokenRejected"));
    }
    const namespaces = await session.readNamespaceArray();
    const nodeId = (text) => {
      const m = /^nsu=([^;]+);(.*)$/.exec(text);
      if (!m) return resolveNodeId(text);
      const index = namespaces.indexOf(m[1]);
      if (index < 0) throw new Failure("the server has no namespace " + m[1], "BadNodeIdUnknown");
      return resolveNodeId("ns=" + index + ";" + m[2]);
    };
    return await run(o, session, nodeId);
  } finally {
    if (session) await session.close().catch(() => {});
    await client.disconnect().catch(() => {});
  }
}

async function run(o, session, nodeId) {
  const a = o.args;
  switch (o.command) {
    case "read": {
      if (a.length === 0) usage("read <nodeId>...");
      const results = await session.read(a.map((id) => ({
        nodeId: nodeId(id), attributeId: AttributeIds.Value })), 0);
      let bad = null;
      results.forEach((dv, i) => {
        emit({
          nodeId: a[i],
          status: statusName(dv.statusCode),
          dataType: DataType[dv.value.dataType],
          value: variantValue(dv.value),
          sourceTimestamp: dv.sourceTimestamp ? dv.sourceTimestamp.toISOString() : null,
        });
        if (!dv.statusCode.isGood() && !bad) bad = dv.statusCode;
      });
      if (bad) throw new Failure("read", statusName(bad));
      return 0;
    }
    case "subscribe": {
      if (a.length !== 2) usage("subscribe <nodeId> <seconds>");
      const seconds = Number(a[1]);
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: 100,
        requestedLifetimeCount: 600,
        requestedMaxKeepAliveCount: 10,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 1,
      });
      let changes = 0;
      const item = await subscription.monitor(
        { nodeId: nodeId(a[0]), attributeId: AttributeIds.Value },
        { samplingInterval: 50, discardOldest: true, queueSize: 100 },
        TimestampsToReturn.Both);
      const created = item.statusCode;
      if (created && !created.isGood()) throw new Failure("monitor " + a[0], statusName(created));
      item.on("changed", (dv) => {
        changes++;
        emit({
          nodeId: a[0],
          status: statusName(dv.statusCode),
          dataType: DataType[dv.value.dataType],
          value: variantValue(dv.value),
          sourceTimestamp: dv.sourceTimestamp ? dv.sourceTimestamp.toISOString() : null,
        });
      });
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      await subscription.terminate();
      emit({ done: true, changes });
      return 0;
    }
    case "browse": {
      if (a.length !== 1) usage("browse <nodeId>");
      const result = await session.browse({
        nodeId: nodeId(a[0]),
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: "HierarchicalReferences",
        includeSubtypes: true,
        resultMask: 0x3f,
      });
      if (!result.statusCode.isGood()) throw new Failure("browse " + a[0], statusName(result.statusCode));
      for (const r of result.references || []) {
        emit({
          browseName: r.browseName.toString(),
          nodeId: r.nodeId.toString(),
          nodeClass: r.nodeClass,
          displayName: r.displayName ? r.displayName.text : null,
        });
      }
      return 0;
    }
    case "browse-path": {
      if (a.length !== 2) usage("browse-path <startNodeId> <relativePath>");
      const result = await session.translateBrowsePath(makeBrowsePath(nodeId(a[0]), a[1]));
      if (!result.statusCode.isGood()) throw new Failure("browse-path " + a[1], statusName(result.statusCode));
      emit({ path: a[1], nodeId: result.targets[0].targetId.toString() });
      return 0;
    }
    case "call": {
      if (a.length < 2) usage("call <objectId> <methodId> [<type>:<value>]...");
      const result = await session.call({
        objectId: nodeId(a[0]),
        methodId: nodeId(a[1]),
        inputArguments: a.slice(2).map(parseArgument),
      });
      emit({
        status: statusName(result.statusCode),
        outputArguments: (result.outputArguments || []).map(variantValue),
        inputArgumentResults: (result.inputArgumentResults || []).map(statusName),
      });
      if (!result.statusCode.isGood()) throw new Failure("call " + a[1], statusName(result.statusCode));
      return 0;
    }
    default:
      usage("unknown command " + o.command);
  }
  return 2;
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    const status = err instanceof Failure ? err.status : statusName(StatusCodes.BadUnexpectedError);
    emit({ error: err.message, status });
    process.exit(1);
  });
