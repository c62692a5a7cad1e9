// The load generator of the query-server benchmark, in a process of its own so it does not share
// the server's event loop: autocannon cycling through the given paths.
//   tsx bench/query-server/load.ts <baseUrl> <paths.json> <seconds> <connections>
// Prints autocannon's result as one JSON line.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [baseUrl, pathsFile, seconds, connections] = process.argv.slice(2);
if (!baseUrl || !pathsFile || !seconds || !connections) {
  console.error('usage: load.ts <baseUrl> <paths.json> <seconds> <connections>');
  process.exit(2);
}
const paths = JSON.parse(readFileSync(pathsFile, 'utf8')) as string[];
const result = await autocannon({
  url: baseUrl,
  connections: Number(connections),
  duration: Number(seconds),
  requests: paths.map((path) => ({ method: 'GET', path })),
});
console.log(JSON.stringify(result));
