'use strict';
// Shared by the grpc-js peer scripts: loads the real mesh/v1 protos (api/Mesh.Api/Protos) with proto-loader.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

const loaderOptions = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

function loadMesh() {
  const definition = protoLoader.loadSync('mesh/v1/discovery.proto', {
    ...loaderOptions,
    includeDirs: [path.join(repoRoot, 'api', 'Mesh.Api', 'Protos')],
  });
  return grpc.loadPackageDefinition(definition).mesh.v1;
}

module.exports = { grpc, loadMesh };
