// oauth2-mock-server (npm) on a free loopback port, for bench/run.py.
// Usage: node oauth2_mock_server.mjs PATH/TO/node_modules/oauth2-mock-server/dist/index.mjs
// Prints "TOKEN_URL <url>" once listening; stops when stdin closes.
import { pathToFileURL } from "node:url";

const { OAuth2Server } = await import(pathToFileURL(process.argv[2]).href);
const server = new OAuth2Server();
await server.issuer.keys.generate("RS256");
await server.start(0, "127.0.0.1");
console.log(`TOKEN_URL http://127.0.0.1:${server.address().port}/token`);
process.stdin.on("end", async () => {
  await server.stop();
  process.exit(0);
});
process.stdin.resume();
