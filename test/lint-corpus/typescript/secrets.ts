import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';

export const exporter = new OTLPTraceExporter({
  url: 'https://otlp.example.com/v1/traces',
  headers: {
    Authorization: 'Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0', // expect: SD003
    'x-tenant': 'shop',
  },
});

const awsKeyId = 'AKIAIOSFODNN7EXAMPLE'; // expect: SD003
const githubToken = 'ghp_1234567890abcdefghijABCDEFGHIJ123456'; // expect: SD003
const apiKey = 'k3y-8f7e6d5c4b3a2910aa'; // expect: SD003
const apiKeyEnvName = 'HONEYCOMB_API_KEY';
const tokenUrl = 'https://auth.example.com/oauth2/token';
const password = process.env.DB_PASSWORD;
const jwtExample = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'; // expect: SD003
const docs = 'Send a Bearer token in the Authorization header';

export const http = new HttpInstrumentation({
  headersToSpanAttributes: {
    server: {
      requestHeaders: ['x-request-id', 'authorization'], // expect: SD005
      responseHeaders: ['content-type', 'set-cookie'], // expect: SD005
    },
    client: { requestHeaders: ['x-request-id', 'user-agent'] },
  },
});

export const fetchOptions = { headers: { authorization: `Bearer ${password}` } };
export const keys = [awsKeyId, githubToken, apiKey, apiKeyEnvName, tokenUrl, jwtExample, docs];
