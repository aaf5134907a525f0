'use strict';
// @grpc/grpc-js calling mesh.v1.ConfigDiscovery/SignCertificate: reads a JSON array of calls from stdin
// ([{address, csrPem, ttlSeconds, metadata: {key: value}}]), makes them in order and prints a JSON array of
// results ({code, details, certificateChainPem, trustBundlePem}).
const { grpc, loadMesh } = require('./common');

function sign(mesh, call) {
  const client = new mesh.ConfigDiscovery(call.address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(call.metadata || {})) {
    metadata.add(key, value);
  }
  return new Promise((resolve) => {
    client.SignCertificate({ csrPem: call.csrPem, ttlSeconds: String(call.ttlSeconds || 0) }, metadata,
      { deadline: new Date(Date.now() + 20000) }, (error, response) => {
        client.close();
        if (error) {
          resolve({ code: error.code, details: error.details });
        } else {
          resolve({ code: 0, certificateChainPem: response.certificateChainPem, trustBundlePem: response.trustBundlePem });
        }
      });
  });
}

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  try {
    const mesh = loadMesh();
    const results = [];
    for (const call of JSON.parse(input)) {
      results.push(await sign(mesh, call));
    }
    process.stdout.write(JSON.stringify(results) + '\n');
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  }
});
