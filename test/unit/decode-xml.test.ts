// The SOAP element tree under the decoder: namespaces, xsi:type, and hostile input.
import assert from 'node:assert/strict';
import { parseXml, XmlParseError, XSD_NAMESPACE } from '../../router/src/vcenter/xml';

describe('parseXml', () => {
  it('resolves element namespaces and the xsi:type prefix declared for it', () => {
    const root = parseXml(
      '<a:Envelope xmlns:a="http://schemas.xmlsoap.org/soap/envelope/">' +
        '<v:value xmlns:v="urn:vim25" xmlns:t="http://www.w3.org/2001/XMLSchema-instance"' +
        ' xmlns:s="http://www.w3.org/2001/XMLSchema" t:type="s:int">7</v:value></a:Envelope>',
    );
    assert.equal(root.uri, 'http://schemas.xmlsoap.org/soap/envelope/');
    assert.equal(root.local, 'Envelope');
    const [value] = root.children;
    assert.equal(value.uri, 'urn:vim25');
    assert.deepEqual(value.xsiType, { uri: XSD_NAMESPACE, local: 'int' });
    assert.equal(value.text, '7');
  });

  it('resolves an unprefixed xsi:type against the default namespace', () => {
    const root = parseXml(
      '<r xmlns="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
        ' xsi:type="VmPoweredOnEvent"/>',
    );
    assert.deepEqual(root.xsiType, { uri: 'urn:vim25', local: 'VmPoweredOnEvent' });
  });

  it('keeps unqualified attributes and joins text, CDATA and character references', () => {
    const root = parseXml('<vm type="VirtualMachine">a&amp;b<![CDATA[<c>]]>&#10;</vm>');
    assert.deepEqual(root.attributes, { type: 'VirtualMachine' });
    assert.equal(root.text, 'a&b<c>\n');
  });

  it('refuses a DOCTYPE, so no declared entity is ever expanded', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' +
      '<r>&b;</r>';
    assert.throws(
      () => parseXml(bomb),
      (error: unknown) => {
        assert.ok(error instanceof XmlParseError);
        assert.match(error.message, /DOCTYPE is not accepted/);
        return true;
      },
    );
  });

  it('refuses an undeclared entity', () => {
    assert.throws(() => parseXml('<r>&nbsp;</r>'), XmlParseError);
  });

  it('refuses nesting deeper than the bound', () => {
    const deep = '<e>'.repeat(20) + '</e>'.repeat(20);
    assert.throws(() => parseXml(deep, { maxDepth: 10 }), /nested deeper than 10/);
    assert.equal(parseXml(deep, { maxDepth: 20 }).local, 'e');
  });

  it('refuses an xsi:type whose prefix is not declared', () => {
    const xml = '<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="nope:int"/>';
    assert.throws(() => parseXml(xml), /prefix nope undeclared/);
  });

  it('refuses a document that is not well-formed, with its position', () => {
    assert.throws(() => parseXml('<a><b></a>'), /XML line 1 column \d+/);
    assert.throws(() => parseXml(''), XmlParseError);
  });
});
