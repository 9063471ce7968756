// The forms an OVF property may take, as people type them into the vSphere wizard.
import assert from 'node:assert/strict';
import {
  parseBoolean,
  parseNetmask,
  parseProcessorType,
  parseThumbprint,
  parseVCenterServer,
} from '../../router/src/setup/fields';
import { parseNoProxy, trimPasted, withCredentials } from '../../router/src/setup/proxy';

const value = <T>(parsed: { ok: true; value: T } | { ok: false; reason: string }) =>
  parsed.ok ? parsed.value : `error: ${parsed.reason}`;

describe('OVF property forms', () => {
  it('reads a network prefix as the wizard offers it, or typed by hand', () => {
    assert.equal(value(parseNetmask('24 (255.255.255.0)')), 24);
    assert.equal(value(parseNetmask('24')), 24);
    assert.equal(value(parseNetmask('/16')), 16);
    assert.equal(value(parseNetmask('255.255.240.0')), 20);
    assert.equal(value(parseNetmask('32 (255.255.255.255)')), 32);
  });

  it('refuses a prefix that contradicts its mask, or a mask with holes', () => {
    assert.equal(
      value(parseNetmask('24 (255.255.0.0)')),
      'error: the prefix 24 does not match the mask in brackets',
    );
    assert.match(String(value(parseNetmask('255.0.255.0'))), /^error: must be a prefix length/);
    assert.match(String(value(parseNetmask('0'))), /^error: must be a prefix length from 1/);
  });

  it('reads booleans as vSphere sends them and as people type them', () => {
    assert.equal(value(parseBoolean('True', false)), true);
    assert.equal(value(parseBoolean('false', true)), false);
    assert.equal(value(parseBoolean(' yes ', false)), true);
    assert.equal(value(parseBoolean('', true)), true);
    assert.equal(value(parseBoolean('maybe', false)), 'error: must be True or False');
  });

  it('takes a vCenter as a host, a host and port, an IPv6 address or a pasted URL', () => {
    assert.equal(value(parseVCenterServer('VC01.example.com')), 'vc01.example.com');
    assert.equal(value(parseVCenterServer('vc01.example.com:8443')), 'vc01.example.com:8443');
    assert.equal(value(parseVCenterServer('[fd00::10]')), '[fd00::10]');
    assert.equal(value(parseVCenterServer('https://vc01.example.com/sdk')), 'vc01.example.com');
    assert.match(String(value(parseVCenterServer('https://u:p@vc01/sdk'))), /user name/);
    assert.match(String(value(parseVCenterServer('vc 01'))), /^error: must be a host name/);
  });

  it('accepts SHA-256 and SHA-1 fingerprints with or without colons', () => {
    assert.equal(value(parseThumbprint('ab'.repeat(32))), 'ab'.repeat(32));
    const sha1 = Array.from({ length: 20 }, () => 'AB').join(':');
    assert.equal(value(parseThumbprint(sha1)), sha1);
    assert.match(String(value(parseThumbprint('ab'.repeat(31)))), /^error/);
  });

  it('knows both processor names however they are spelled', () => {
    assert.equal(value(parseProcessorType('OpenFaaS')), 'openfaas');
    assert.equal(value(parseProcessorType('AWS EventBridge')), 'aws_event_bridge');
    assert.equal(value(parseProcessorType('aws_eventbridge')), 'aws_event_bridge');
  });

  it('trims the quotes people paste around proxies, typographic ones too', () => {
    assert.equal(trimPasted(' "http://proxy:3128" '), 'http://proxy:3128');
    assert.equal(trimPasted("'http://proxy:3128'"), 'http://proxy:3128');
    assert.equal(trimPasted('\u201chttp://proxy:3128\u201d'), 'http://proxy:3128');
  });

  it('always bypasses the proxy for the local gateway', () => {
    assert.deepEqual(value(parseNoProxy('')), ['localhost', '127.0.0.1']);
    assert.deepEqual(value(parseNoProxy("'.corp, 127.0.0.1'")), [
      'localhost',
      '127.0.0.1',
      '.corp',
    ]);
    assert.match(String(value(parseNoProxy('host;rm -rf /'))), /^error/);
  });

  it('percent-encodes every reserved character of proxy credentials', () => {
    assert.equal(
      withCredentials('http://proxy:3128', "DOM\\us'er", 'p@ss:w/rd!'),
      'http://DOM%5Cus%27er:p%40ss%3Aw%2Frd%21@proxy:3128/',
    );
    assert.equal(withCredentials('http://proxy:3128', '', ''), 'http://proxy:3128/');
  });
});
