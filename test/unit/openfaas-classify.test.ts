import assert from 'node:assert/strict';
import { classifyAnswer } from '../../router/src/processors/openfaas/invoke-function';
import type { GatewayResponse } from '../../router/src/processors/openfaas/gateway-http';

function answer(status: number, body = '', statusText = ''): GatewayResponse {
  return { status, statusText, body, contentType: 'text/plain', headers: {} };
}

describe('OpenFaaS answer classification', () => {
  for (const status of [200, 201, 202, 204]) {
    it(`takes ${status} as done`, () => {
      assert.deepEqual(classifyAnswer('function f', answer(status)), { outcome: 'done' });
    });
  }

  for (const status of [408, 429, 500, 502, 503, 504]) {
    it(`retries ${status}`, () => {
      const result = classifyAnswer('function f', answer(status, 'busy'));
      assert.equal(result.outcome, 'retry');
    });
  }

  for (const status of [301, 400, 401, 403, 404, 413, 422]) {
    it(`dead-letters ${status}: it would answer the same again`, () => {
      const result = classifyAnswer('function f', answer(status));
      assert.equal(result.outcome, 'dead');
    });
  }

  it('names the function, the status and the start of the body', () => {
    const result = classifyAnswer(
      'function f',
      answer(400, 'missing\n  field "vm"', 'Bad Request'),
    );
    assert.deepEqual(result, {
      outcome: 'dead',
      reason: 'function f: HTTP 400 Bad Request: missing field "vm"',
    });
  });

  it('keeps only the first 200 characters of a long body', () => {
    const body = 'x'.repeat(200) + 'TAIL';
    const result = classifyAnswer('function f', answer(400, body));
    assert.equal(result.outcome, 'dead');
    assert.ok(result.outcome === 'dead' && result.reason.endsWith(`${'x'.repeat(200)}…`));
  });
});
