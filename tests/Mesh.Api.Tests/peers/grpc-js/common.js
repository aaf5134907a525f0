'use strict';
// Shared by server.js and client.js: loads the test protos with proto-loader and converts metadata to JSON.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const testsRoot = path.resolve(__dirname, '..', '..');
const repoRoot = path.resolve(testsRoot, '..', '..');

const loaderOptions = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

function loadEcho() {
  const definition = protoLoader.loadSync('test/v1/echo.proto', {
    ...loaderOptions,
    includeDirs: [path.join(testsRoot, 'Protos')],
  });
  return grpc.loadPackageDefinition(definition).test.v1;
}

function loadMesh() {
  const definition = protoLoader.loadSync('mesh/v1/discovery.proto', {
    ...loaderOptions,
    includeDirs: [path.join(repoRoot, 'api', 'Mesh.Api', 'Protos')],
  });
  return grpc.loadPackageDefinition(definition).mesh.v1;
}

// Binary values become "base64:..." so the C# side can compare bytes exactly.
function metadataToJson(metadata) {
  const result = {};
  if (!metadata) {
    return result;
  }
  for (const [key, value] of Object.entries(metadata.getMap())) {
    result[key] = Buffer.isBuffer(value) ? 'base64:' + value.toString('base64') : value;
  }
  return result;
}

// The custom metadata a test sent (keys starting "x-"), to echo back in headers and trailers.
function echoMetadata(incoming) {
  const outgoing = new grpc.Metadata();
  for (const [key, values] of Object.entries(incoming.toJSON())) {
    if (key.startsWith('x-')) {
      for (const value of values) {
        outgoing.add(key, value);
      }
    }
  }
  return outgoing;
}

function pattern(size) {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    buffer[i] = i % 251;
  }
  return buffer;
}

module.exports = { grpc, loadEcho, loadMesh, metadataToJson, echoMetadata, pattern };
