// Reads Prometheus text exposition format on stdin and prints the parsed metric families as JSON.
// Exits 1 with the parser's message when the text is not valid.
const parse = require('parse-prometheus-text-format');

// prometheus-net writes each histogram series' _sum and _count lines before its _bucket lines. The text format puts
// no order on the lines of one family (Prometheus' own parser reads them in any order), but this library folds a
// series' buckets only when they come first, so each series' _sum and _count are moved after its buckets. No line
// is changed, added or dropped.
function bucketsFirst(text) {
  const out = [];
  let histogram = null;
  let pending = [];
  let lastWasBucket = false;
  const flush = () => { out.push(...pending); pending = []; };
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (line.startsWith('#')) {
      flush();
      histogram = type ? (type[2] === 'histogram' ? type[1] : null) : histogram;
      lastWasBucket = false;
      out.push(line);
    } else if (histogram && line.startsWith(histogram + '_bucket')) {
      out.push(line);
      lastWasBucket = true;
    } else if (histogram && (line.startsWith(histogram + '_sum') || line.startsWith(histogram + '_count'))) {
      if (lastWasBucket) {
        flush();
      }
      pending.push(line);
      lastWasBucket = false;
    } else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('\n');
}

let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { text += chunk; });
process.stdin.on('end', () => {
  try {
    process.stdout.write(JSON.stringify(parse(bucketsFirst(text))));
  } catch (error) {
    process.stderr.write(String(error && error.message ? error.message : error));
    process.exit(1);
  }
});
