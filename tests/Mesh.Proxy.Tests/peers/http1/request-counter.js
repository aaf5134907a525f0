'use strict';
// Node's own HTTP/1.1 server (llhttp) on 127.0.0.1: answers every request 200 "ok" once its body has arrived, and
// counts the requests each connection carried and those that asked for the connection to close. Talks to a test
// over stdio: prints {"event":"listening","port":N} once, a report for each "report" line on stdin, and exits when
// stdin closes. Needs no packages.
const http = require('http');
const readline = require('readline');

const connections = new WeakMap();
const requests = [];
let askedToClose = 0;

const server = http.createServer((req, res) => {
  let connection = connections.get(req.socket);
  if (connection === undefined) {
    connection = requests.length;
    connections.set(req.socket, connection);
    requests.push(0);
  }

  requests[connection]++;
  if ((req.headers.connection ?? '').toLowerCase().split(',').some(token => token.trim() === 'close')) {
    askedToClose++;
  }

  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});

function print(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

server.listen(0, '127.0.0.1', () => {
  print({ event: 'listening', port: server.address().port });
  readline.createInterface({ input: process.stdin })
    .on('line', line => {
      if (line.trim() === 'report') {
        print({ event: 'report', requests, askedToClose });
      }
    })
    .on('close', () => process.exit(0));
});
