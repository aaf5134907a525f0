'use strict';
// A @grpc/grpc-js server on 127.0.0.1 (h2c) with one unary method, /mesh.test.Holder/Hold, whose messages are raw
// bytes (no protobuf schema needed): each call is held as stream-counter.js describes, then answered "ok". A
// connection is told apart by the client's address and port (call.getPeer()).
const grpc = require('@grpc/grpc-js');
const { createCounter, serve, options } = require('./stream-counter');

const counter = createCounter(options());
const bytes = value => value;
const holder = {
  hold: {
    path: '/mesh.test.Holder/Hold',
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  },
};

const server = new grpc.Server();
server.addService(holder, {
  hold: async (call, callback) => {
    const connection = call.getPeer();
    await counter.arrive(connection);
    counter.leave(connection);
    callback(null, Buffer.from('ok'));
  },
});

server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    throw error;
  }

  serve(counter, port);
});
