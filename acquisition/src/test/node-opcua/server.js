// A node-opcua server for pilotline's interop ITs (NodeOpcuaTestServer starts it).
//
//   node server.js <port> --pki <folder> [--trust <client-cert.der|pem>]... [--period-ms 200]
//
// The user it accepts comes from the environment, never from the command line (which `ps`
// shows): OPCUA_USER and OPCUA_PASSWORD. Without them the server allows anonymous logins only.
//
// It listens on 127.0.0.1:<port>, offers the endpoints None/None, Basic256Sha256/SignAndEncrypt
// and Aes256_Sha256_RsaPss/SignAndEncrypt, and trusts exactly the client certificates given
// with --trust (unknown ones are rejected, not auto-accepted). Its own certificate and PKI live
// in --pki. Eighteen variables (six data types, each with a string, a numeric and a GUID NodeId)
// change every period; each change is printed first as a line
//   WRITE {"ts":"<source timestamp>","values":{"<nodeId>":<value>,...}}
// so that a test can check every value a client stored against what was really served. Once
// listening it prints
//   READY {"endpoint":"opc.tcp://127.0.0.1:<port>/pilotline","namespaceUri":...,"certificate":...}
// It stops on SIGTERM/SIGINT, or when its stdin closes (the JVM that started it went away).
"use strict";

const fs = require("fs");
const path = require("path");
const {
  OPCUAServer,
  OPCUACertificateManager,
  SecurityPolicy,
  MessageSecurityMode,
  DataType,
  Variant,
  StatusCodes,
} = require("node-opcua");

const NAMESPACE_URI = "urn:pilotline:node-opcua-interop";
const TYPES = ["Double", "Float", "Int32", "UInt32", "Boolean", "String"];
// Fixed GUIDs so that a test can name the nodes; the last group says which type it is.
const GUIDS = {
  Double: "5b1a3c2e-0001-4d6f-9a51-000000000001",
  Float: "5b1a3c2e-0001-4d6f-9a51-000000000002",
  Int32: "5b1a3c2e-0001-4d6f-9a51-000000000003",
  UInt32: "5b1a3c2e-0001-4d6f-9a51-000000000004",
  Boolean: "5b1a3c2e-0001-4d6f-9a51-000000000005",
  String: "5b1a3c2e-0001-4d6f-9a51-000000000006",
};
const NUMERIC_BASE = 1000;

function fail(message) {
  process.stderr.write("node-opcua test server: " + message + "\n");
  process.exit(2);
}

function parseArgs(argv) {
  const options = { port: NaN, pki: null, trust: [], periodMs: 200 };
  const rest = argv.slice(2);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      if (i + 1 >= rest.length) fail(a + " needs a value");
      return rest[++i];
    };
    if (a === "--pki") options.pki = value();
    else if (a === "--trust") options.trust.push(value());
    else if (a === "--period-ms") options.periodMs = Number(value());
    else if (/^\d+$/.test(a)) options.port = Number(a);
    else fail("unknown argument " + a);
  }
  if (!(options.port > 0 && options.port < 65536)) fail("give the port as first argument");
  if (!options.pki) fail("give --pki <folder> (a fresh temporary folder)");
  if (!(options.periodMs >= 20)) fail("--period-ms must be at least 20");
  return options;
}

// Value of variable number j at tick k: distinct per variable and per tick, so that a value
// stored under the wrong tag or at the wrong time shows.
function valueOf(type, j, k) {
  const base = k * 100 + j;
  switch (type) {
    case "Double": return base + 0.5;
    case "Float": return base + 0.25; // exact in 32 bits while base < 2^22
    case "Int32": return -base;
    case "UInt32": return base;
    case "Boolean": return (k + j) % 2 === 0;
    case "String": return "v" + base;
    default: throw new Error(type);
  }
}

async function main() {
  const options = parseArgs(process.argv);
  const user = process.env.OPCUA_USER || "";
  const password = process.env.OPCUA_PASSWORD || "";
  if ((user === "") !== (password === "")) fail("set both OPCUA_USER and OPCUA_PASSWORD, or neither");

  const certificateManager = new OPCUACertificateManager({
    rootFolder: path.join(options.pki, "server"),
    automaticallyAcceptUnknownCertificate: false,
  });
  await certificateManager.initialize();
  for (const file of options.trust) {
    const content = fs.readFileSync(file);
    const der = content.toString("latin1").includes("-----BEGIN CERTIFICATE-----")
      ? Buffer.from(content.toString("ascii").replace(/-----[^-]+-----|\s/g, ""), "base64")
      : content;
    await certificateManager.trustCertificate(der);
  }

  const server = new OPCUAServer({
    port: options.port,
    host: "127.0.0.1",
    hostname: "127.0.0.1",
    // In the certificate too, so that a client checking the host name against the URL agrees.
    alternateHostname: ["127.0.0.1"],
    resourcePath: "/pilotline",
    serverCertificateManager: certificateManager,
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes256_Sha256_RsaPss],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: user === "",
    userManager: user === "" ? undefined : {
      isValidUser: (userName, pass) => userName === user && pass === password,
    },
    buildInfo: { productName: "pilotline node-opcua interop server" },
    serverInfo: { applicationUri: "urn:pilotline:node-opcua-interop-server" },
  });
  await server.initialize();

  const addressSpace = server.engine.addressSpace;
  const namespace = addressSpace.registerNamespace(NAMESPACE_URI);
  const folder = namespace.addFolder(addressSpace.rootFolder.objects, {
    browseName: "Interop",
    nodeId: "ns=" + namespace.index + ";s=Interop",
  });
  const variables = [];
  for (const type of TYPES) {
    const kinds = [
      ["s", "String/" + type],
      ["i", String(NUMERIC_BASE + TYPES.indexOf(type))],
      ["g", GUIDS[type]],
    ];
    for (const [kind, identifier] of kinds) {
      const j = variables.length;
      const nodeIdText = "ns=" + namespace.index + ";" + kind + "=" + identifier;
      const variable = namespace.addVariable({
        componentOf: folder,
        browseName: type + "_" + kind,
        nodeId: nodeIdText,
        dataType: type,
        minimumSamplingInterval: 50,
      });
      // The namespace's index is the server's business: the test names nodes by namespace URI.
      variables.push({ variable, type, j, key: "nsu=" + NAMESPACE_URI + ";" + kind + "=" + identifier });
    }
  }

  let k = 0;
  const tick = () => {
    // Whole milliseconds: what every client's DateTime round trip keeps exactly.
    const ts = new Date(Date.now());
    const values = {};
    for (const v of variables) {
      values[v.key] = valueOf(v.type, v.j, k);
    }
    // Logged before it is served, so that no client can see a value the log does not have.
    process.stdout.write("WRITE " + JSON.stringify({ ts: ts.toISOString(), values }) + "\n");
    for (const v of variables) {
      v.variable.setValueFromSource(
        new Variant({ dataType: DataType[v.type], value: values[v.key] }), StatusCodes.Good, ts);
    }
    k++;
  };

  tick(); // the first values, logged like every later one
  await server.start();
  const timer = setInterval(tick, options.periodMs);
  const endpoint = server.getEndpointUrl();
  // DER, as a client puts it in its trusted folder.
  const certificateFile = path.resolve(options.pki, "server-certificate.der");
  fs.writeFileSync(certificateFile, server.getCertificate());
  process.stdout.write("READY " + JSON.stringify({
    endpoint,
    namespaceUri: NAMESPACE_URI,
    certificate: certificateFile,
    nodes: variables.map((v) => ({ nodeId: v.key, dataType: v.type })),
  }) + "\n");

  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    process.stderr.write("node-opcua test server: stopping (" + why + ")\n");
    await server.shutdown(0);
    process.exit(0);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.stdin.on("end", () => stop("stdin closed"));
  process.stdin.resume();
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));
