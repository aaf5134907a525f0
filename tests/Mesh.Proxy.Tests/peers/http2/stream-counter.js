'use strict';
// Shared by the server scripts. Counts, per connection, the requests a server has in flight at once, and holds each
// request until `hold` have arrived (or `deadlineMs` passes) so that a client's concurrent requests are all open
// together. A test talks to the script over stdio: it prints {"event":"listening","port":N} once, and a report for
// each "report" line on stdin; it exits when stdin closes.
const readline = require('readline');

function print(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function createCounter({ hold, deadlineMs }) {
  const active = new Map();
  const peaks = new Map();
  let arrived = 0;
  let release;
  const allArrived = new Promise(resolve => { release = resolve; });

  return {
    /** Counts a request on `connection`; resolves when it may be answered. */
    async arrive(connection) {
      const now = (active.get(connection) ?? 0) + 1;
      active.set(connection, now);
      peaks.set(connection, Math.max(now, peaks.get(connection) ?? 0));
      if (++arrived === hold) {
        release();
      }

      let timer;
      const deadline = new Promise(resolve => { timer = setTimeout(resolve, deadlineMs); });
      await Promise.race([allArrived, deadline]);
      clearTimeout(timer);
    },

    /** The request on `connection` is over (answered or abandoned). */
    leave(connection) {
      active.set(connection, active.get(connection) - 1);
    },

    report() {
      return { event: 'report', arrived, allHeldTogether: arrived >= hold, peaks: [...peaks.values()] };
    },
  };
}

/** Prints the port once listening, answers "report" lines, and exits when the test closes stdin. */
function serve(counter, port) {
  print({ event: 'listening', port });
  readline.createInterface({ input: process.stdin })
    .on('line', line => {
      if (line.trim() === 'report') {
        print(counter.report());
      }
    })
    .on('close', () => process.exit(0));
}

/** The script's options: one JSON argument. */
function options() {
  return JSON.parse(process.argv[2]);
}

module.exports = { createCounter, serve, options };
