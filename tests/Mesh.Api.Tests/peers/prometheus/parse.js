// Reads Prometheus text exposition format on stdin and prints the parsed metric families as JSON.
// Exits 1 with the parser's message when the text is not valid.
const parse = require('parse-prometheus-text-format');

let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { text += chunk; });
process.stdin.on('end', () => {
  try {
    process.stdout.write(JSON.stringify(parse(text)));
  } catch (error) {
    process.stderr.write(String(error && error.message ? error.message : error));
    process.exit(1);
  }
});
