'use strict';
// @grpc/grpc-js as a proxy on mesh.v1.ConfigDiscovery/StreamConfig, driven line by line:
//   node config-stream.js HOST:PORT NODE_ID [TOKEN_FILE]
// With TOKEN_FILE it authenticates each stream as a local-mode proxy does: the operator's bootstrap token (re-read
// for every stream) and the claimed identity default/productpage in metadata; without it it sends none.
// stdin commands (one per line), each applied to the last response received:
//   ack               ACK: its version_info and nonce
//   nack MESSAGE      NACK: the last ACKed version_info, its nonce and error_detail {code 3, MESSAGE}
//   stale             an ACK of its version_info with a nonce the server never sent
//   end               half-close the stream and exit after its status
// When a stream ends with an error status it reconnects (like a proxy) with the last ACKed version_info, up to
// 120 times, 250 ms apart. stdout: one JSON line per event: {event: 'response', versionInfo, nonce, stream,
// routeCount}, {event: 'status', code, details, stream}, {event: 'sent', kind}.
const fs = require('fs');
const readline = require('readline');
const { grpc, loadMesh } = require('./common');

const [address, nodeId, tokenFile] = process.argv.slice(2);
const mesh = loadMesh();
const client = new mesh.ConfigDiscovery(address, grpc.credentials.createInsecure());

let call = null;
let stream = 0;
let last = null;
let acked = '';
let ending = false;
let reconnects = 0;

function print(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function open() {
  stream++;
  const id = stream;
  const metadata = new grpc.Metadata();
  if (tokenFile) {
    metadata.set('authorization', 'Bearer ' + fs.readFileSync(tokenFile, 'utf8').trim());
    metadata.set('mesh-namespace', 'default');
    metadata.set('mesh-service-account', 'productpage');
  }
  call = client.StreamConfig(metadata);
  call.on('data', (response) => {
    last = response;
    const routeCount = (response.config.virtualHosts || []).reduce((n, host) => n + (host.routes || []).length, 0);
    print({ event: 'response', versionInfo: response.versionInfo, nonce: response.nonce, stream: id, routeCount });
  });
  call.on('error', () => {});
  call.on('status', (status) => {
    print({ event: 'status', code: status.code, details: status.details, stream: id });
    if (ending) {
      process.exit(0);
    } else if (status.code !== grpc.status.OK && reconnects < 120) {
      reconnects++;
      setTimeout(open, 250);
    }
  });
  call.write({
    node: { id: nodeId, namespace: 'default', labels: { app: 'productpage' }, serviceAccount: 'productpage' },
    versionInfo: acked,
  });
}

const commands = {
  ack: () => {
    call.write({ versionInfo: last.versionInfo, responseNonce: last.nonce });
    acked = last.versionInfo;
  },
  nack: (message) => call.write({
    versionInfo: acked,
    responseNonce: last.nonce,
    errorDetail: { code: grpc.status.INVALID_ARGUMENT, message },
  }),
  stale: () => call.write({ versionInfo: last.versionInfo, responseNonce: 'never-sent-' + last.nonce }),
  end: () => {
    ending = true;
    call.end();
  },
};

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, ...rest] = line.trim().split(' ');
  if (!commands[command]) {
    process.stderr.write(`unknown command '${command}'\n`);
    process.exit(2);
  }
  commands[command](rest.join(' '));
  print({ event: 'sent', kind: command });
});

// A stuck run ends itself; the test's own deadline is shorter.
setTimeout(() => process.exit(3), 120000).unref();
open();
