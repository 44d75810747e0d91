// PostGraphile 5 serving a bench/seed.py PostgreSQL database, as bench/read_engine.py runs it:
//
//     DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<db> PORT=8200 node server.mjs
//
// The Amber preset (PostGraphile's recommended base) on the schema "public", where tortoise made
// leadbox's tables; one Node process, Node's own http server, GraphiQL, watch mode and explain
// off, NODE_ENV=production (the harness sets it). Its SQL comes from the tables and their foreign
// keys alone: no computed columns, no smart tags, no row-level security (see BENCHMARKS.md for
// what that means next to leadbox's answers). One plugin is left out: PgIndexBehaviorsPlugin,
// which offers ordering and conditions only on indexed columns; without it every column can be
// ordered by (as PostGraphile 4's default was), so that deals sort newest first as leadbox's do.
// First: what Node 20 lacks (evaluated before the imports below).
import "./node20.mjs";

import { createServer } from "node:http";

import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const connectionString = process.env.DATABASE_URL;
const port = Number(process.env.PORT || 8200);
if (!connectionString) {
  console.error("DATABASE_URL is required");
  process.exit(2);
}

const preset = {
  extends: [PostGraphileAmberPreset],
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [makePgService({ connectionString, schemas: ["public"] })],
  grafserv: { port, graphiql: false, watch: false, graphqlPath: "/graphql" },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});
await serv.addTo(server);
// The schema is built before the port opens: the harness waits for the port.
await pgl.getSchema();
server.listen(port, "127.0.0.1");

async function stop() {
  server.close();
  await pgl.release();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

if (process.argv.includes("--print-schema")) {
  const { printSchema } = await import("postgraphile/graphql");
  console.log(printSchema(await pgl.getSchema()));
  await stop();
}
