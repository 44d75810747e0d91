// Apollo Client with its persisted-query link against a running leadbox server.
//
// Usage: node apollo_persisted.mjs BASE_URL OTHER_BASE_URL TOKEN
// The first client talks to BASE_URL; the new clients of later steps to OTHER_BASE_URL (another
// server process on the same database).
// Prints one JSON object: what each operation answered and every HTTP exchange the link made
// (method, whether the text was sent, status), for tests/test_persisted_queries_server.py.
import { createHash } from "node:crypto";

import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const [base, otherBase, token] = process.argv.slice(2);
const exchanges = [];

// fetch as the link calls it, noting each request and its answer.
async function recordingFetch(input, init = {}) {
  const response = await fetch(input, init);
  const url = new URL(String(input));
  const body = init.body ? JSON.parse(init.body) : Object.fromEntries(url.searchParams);
  const answer = await response.clone().text();
  let codes = [];
  try {
    codes = (JSON.parse(answer).errors || []).map((e) => e.extensions && e.extensions.code);
  } catch {
    codes = ["<not JSON>"];
  }
  exchanges.push({
    method: init.method || "GET",
    sentText: typeof body.query === "string" && body.query.length > 0,
    sentHash: String(body.extensions || "").includes("sha256Hash") || Boolean(body.extensions?.persistedQuery),
    status: response.status,
    codes,
  });
  return response;
}

function newClient(server) {
  const persisted = new PersistedQueryLink({
    sha256: (text) => createHash("sha256").update(text).digest("hex"),
    useGETForHashedQueries: true,
  });
  const http = new HttpLink({
    uri: `${server}/graphql`,
    fetch: recordingFetch,
    headers: { authorization: `Bearer ${token}` },
  });
  return new ApolloClient({ cache: new InMemoryCache(), link: persisted.concat(http) });
}

const VIEWER = gql`
  query Me {
    viewer {
      id
      name
    }
  }
`;
const CREATE_LABEL = gql`
  mutation CreateLabel($input: CreateLeadLabelInput!) {
    createLeadLabel(input: $input) {
      label {
        id
        name
      }
      userErrors {
        code
      }
    }
  }
`;

async function step(name, run) {
  const start = exchanges.length;
  let data = null;
  let error = null;
  try {
    data = (await run()).data;
  } catch (e) {
    error = String(e && e.message ? e.message : e);
  }
  return { name, data, error, exchanges: exchanges.slice(start) };
}

const first = newClient(base);
const steps = [
  await step("query, first time", () => first.query({ query: VIEWER, fetchPolicy: "network-only" })),
  await step("query, again", () => first.query({ query: VIEWER, fetchPolicy: "network-only" })),
  await step("query, a new client", () => newClient(otherBase).query({ query: VIEWER, fetchPolicy: "network-only" })),
  await step("mutation, first time", () =>
    first.mutate({ mutation: CREATE_LABEL, variables: { input: { name: "Apollo one", color: "#00aa00" } } }),
  ),
  await step("mutation, a new client", () =>
    newClient(otherBase).mutate({ mutation: CREATE_LABEL, variables: { input: { name: "Apollo two", color: "#00aa00" } } }),
  ),
];
process.stdout.write(JSON.stringify({ steps }) + "\n");
