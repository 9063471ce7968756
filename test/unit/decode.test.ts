// The vim25 event decoder: Go's JSON shape and zero values, and what it does with bad input.
import assert from 'node:assert/strict';
import {
  decodeEventsResponse,
  decodeValue,
  eventBaseType,
  soapResponseElement,
  SoapResponseError,
  VimFaultError,
} from '../../router/src/vcenter/decode';
import { XmlParseError, parseXml } from '../../router/src/vcenter/xml';

const envelopeStart =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"' +
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const envelopeEnd = '</soapenv:Body></soapenv:Envelope>';

/** A ReadNextEvents response holding these returnval elements. */
function page(...returnvals: string[]): string {
  return (
    `${envelopeStart}<ReadNextEventsResponse xmlns="urn:vim25">${returnvals.join('')}` +
    `</ReadNextEventsResponse>${envelopeEnd}`
  );
}

function event(type: string, fields: string): string {
  return `<returnval xsi:type="${type}">${fields}</returnval>`;
}

const eventStart =
  '<key>100</key><chainId>100</chainId><createdTime>2026-11-30T08:00:00.5Z</createdTime>' +
  '<userName>root</userName>';

function decodeOne(type: string, fields: string) {
  const events = decodeEventsResponse(page(event(type, fields)));
  assert.equal(events.length, 1);
  return events[0];
}

describe('decodeEventsResponse', () => {
  it('decodes an empty page to no events', () => {
    assert.deepEqual(decodeEventsResponse(page()), []);
  });

  it('keeps vCenter order and the fields the stream needs', () => {
    const events = decodeEventsResponse(
      page(
        event('VmPoweredOnEvent', eventStart.replace(/100/g, '7') + '<template>false</template>'),
        event('VmPoweredOffEvent', eventStart + '<template>true</template>'),
      ),
    );
    assert.deepEqual(
      events.map((e) => [e.className, e.key, e.createdTime, e.eventTypeId, e.problems]),
      [
        ['VmPoweredOnEvent', 7, '2026-11-30T08:00:00.5Z', undefined, []],
        ['VmPoweredOffEvent', 100, '2026-11-30T08:00:00.5Z', undefined, []],
      ],
    );
    assert.equal(events[1].data.Template, true);
  });

  it('reads keys that wrapped past 2^31 as negative numbers', () => {
    const decoded = decodeOne(
      'VmPoweredOnEvent',
      '<key>-2147483648</key><chainId>-2147483647</chainId>' +
        '<createdTime>2026-11-30T08:00:00Z</createdTime><userName></userName>',
    );
    assert.equal(decoded.key, -2147483648);
    assert.equal(decoded.data.Key, -2147483648);
    assert.equal(decoded.data.ChainId, -2147483647);
    assert.deepEqual(decoded.problems, []);
  });

  it('makes a repeated field an array even with one element', () => {
    const decoded = decodeOne(
      'EventEx',
      eventStart +
        '<eventTypeId>com.example.one</eventTypeId>' +
        '<arguments><key>only</key><value xsi:type="xsd:string">one</value></arguments>',
    );
    assert.deepEqual(decoded.data.Arguments, [{ Key: 'only', Value: 'one' }]);
    assert.equal(decoded.eventTypeId, 'com.example.one');
  });

  it('makes a one-element ArrayOfString an object holding an array', () => {
    const decoded = decodeOne(
      'EventEx',
      eventStart +
        '<eventTypeId>x</eventTypeId><arguments><key>nics</key>' +
        '<value xsi:type="ArrayOfString"><string>vmnic0</string></value></arguments>',
    );
    assert.deepEqual(decoded.data.Arguments, [{ Key: 'nics', Value: { String: ['vmnic0'] } }]);
  });

  it('decodes anyType values by their xsi:type', () => {
    const value = (xsiType: string, text: string) =>
      `<arguments><key>${xsiType}</key><value xsi:type="${xsiType}">${text}</value></arguments>`;
    const decoded = decodeOne(
      'EventEx',
      eventStart +
        '<eventTypeId>x</eventTypeId>' +
        value('xsd:int', '-12') +
        value('xsd:long', '21474836480') +
        value('xsd:boolean', 'true') +
        value('xsd:double', '2.5') +
        value('xsd:dateTime', '2026-11-30T08:00:00Z') +
        value('xsd:string', ' padded ') +
        value('VirtualMachinePowerState', 'poweredOn'),
    );
    const values = (decoded.data.Arguments as Array<{ Value: unknown }>).map((a) => a.Value);
    assert.deepEqual(values, [
      -12,
      21474836480,
      true,
      2.5,
      '2026-11-30T08:00:00Z',
      ' padded ',
      'poweredOn',
    ]);
    assert.deepEqual(decoded.problems, []);
  });

  it('gives every absent field the value Go encoding/json wrote for it', () => {
    // AlarmStatusChangedEvent with only key and createdTime: everything else absent.
    const decoded = decodeOne(
      'AlarmStatusChangedEvent',
      '<key>5</key><createdTime>2026-11-30T08:00:00Z</createdTime>',
    );
    assert.deepEqual(decoded.data, {
      Key: 5,
      ChainId: 0,
      CreatedTime: '2026-11-30T08:00:00Z',
      UserName: '',
      Datacenter: null,
      ComputeResource: null,
      Host: null,
      Vm: null,
      Ds: null,
      Net: null,
      Dvs: null,
      FullFormattedMessage: '',
      ChangeTag: '',
      // Required (non-pointer) structures: objects of their zero fields.
      Alarm: { Name: '', Alarm: { Type: '', Value: '' } },
      Source: { Name: '', Entity: { Type: '', Value: '' } },
      Entity: { Name: '', Entity: { Type: '', Value: '' } },
      From: '',
      To: '',
    });
    assert.deepEqual(decoded.problems, []);
  });

  it('writes null for an absent optional boolean or date and false for a required boolean', () => {
    const decoded = decodeOne('UserLogoutSessionEvent', eventStart);
    assert.equal(decoded.data.LoginTime, null);
    assert.equal(decoded.data.CallCount, 0);
    const reconfigured = decodeOne('VmReconfiguredEvent', eventStart + '<configSpec/>');
    const spec = reconfigured.data.ConfigSpec as Record<string, unknown>;
    assert.equal(reconfigured.data.Template, false);
    assert.equal(spec.CpuHotAddEnabled, null);
    assert.equal(spec.DeviceChange, null);
    assert.equal(spec.CreateDate, null);
    assert.equal(reconfigured.data.ConfigChanges, null);
  });

  it('reports a missing key and createdTime and uses Go zero values for them', () => {
    const decoded = decodeOne('VmPoweredOnEvent', '<userName>root</userName>');
    assert.equal(decoded.key, 0);
    assert.equal(decoded.createdTime, '0001-01-01T00:00:00Z');
    assert.equal(decoded.data.CreatedTime, '0001-01-01T00:00:00Z');
    assert.deepEqual(decoded.problems, [
      'VmPoweredOnEvent.Key: missing',
      'VmPoweredOnEvent.CreatedTime: missing',
    ]);
  });

  it('reports a malformed number by field and keeps the rest of the event', () => {
    const decoded = decodeOne(
      'UserLogoutSessionEvent',
      '<key>100</key><chainId>12x</chainId><createdTime>2026-11-30T08:00:00Z</createdTime>' +
        '<callCount>4.5</callCount><sessionId>abc</sessionId>',
    );
    assert.equal(decoded.data.ChainId, 0);
    assert.equal(decoded.data.CallCount, 0);
    assert.equal(decoded.data.SessionId, 'abc');
    assert.equal(decoded.key, 100);
    assert.deepEqual(decoded.problems, [
      'UserLogoutSessionEvent.ChainId: "12x" is not a valid int',
      'UserLogoutSessionEvent.CallCount: "4.5" is not a valid long',
    ]);
  });

  it('reports an int out of its 32-bit range', () => {
    const decoded = decodeOne(
      'VmPoweredOnEvent',
      '<key>2147483648</key><createdTime>2026-11-30T08:00:00Z</createdTime>',
    );
    assert.equal(decoded.key, 0);
    assert.deepEqual(decoded.problems, [
      'VmPoweredOnEvent.Key: "2147483648" is out of range for int',
    ]);
  });

  it('reports a malformed boolean and dateTime', () => {
    const decoded = decodeOne(
      'VmPoweredOnEvent',
      '<key>1</key><createdTime>yesterday</createdTime><template>maybe</template>',
    );
    assert.equal(decoded.data.Template, false);
    assert.equal(decoded.createdTime, '0001-01-01T00:00:00Z');
    assert.deepEqual(decoded.problems, [
      'VmPoweredOnEvent.CreatedTime: "yesterday" is not a dateTime',
      'VmPoweredOnEvent.Template: "maybe" is not a boolean',
    ]);
  });

  it('decodes a polymorphic field by its xsi:type, whatever the xsi prefix', () => {
    const xml =
      '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"' +
      ' xmlns:q="http://www.w3.org/2001/XMLSchema-instance"><S:Body>' +
      '<v:ReadNextEventsResponse xmlns:v="urn:vim25">' +
      '<v:returnval q:type="v:VmReconfiguredEvent">' +
      '<v:key>1</v:key><v:createdTime>2026-11-30T08:00:00Z</v:createdTime><v:configSpec>' +
      '<v:deviceChange><v:operation>remove</v:operation><v:device q:type="v:VirtualVmxnet3">' +
      '<v:key>4000</v:key><v:macAddress>00:50:56:aa:bb:cc</v:macAddress></v:device>' +
      '</v:deviceChange></v:configSpec></v:returnval></v:ReadNextEventsResponse>' +
      '</S:Body></S:Envelope>';
    const [decoded] = decodeEventsResponse(xml);
    const spec = decoded.data.ConfigSpec as { DeviceChange: Array<{ Device: object }> };
    const device = spec.DeviceChange[0].Device as Record<string, unknown>;
    assert.equal(device.MacAddress, '00:50:56:aa:bb:cc');
    assert.equal(device.Key, 4000);
    // VirtualEthernetCard's fields, so it was read as the xsi:type, not as a VirtualDevice.
    assert.ok('WakeOnLanEnabled' in device);
    assert.deepEqual(decoded.problems, []);
  });

  it('reads an unknown event type as the base its name suggests, with its extra elements', () => {
    const decoded = decodeOne(
      'HostFutureThingEvent',
      eventStart +
        '<host><name>esx-1</name><host type="HostSystem">host-9</host></host>' +
        '<widgetCount>3</widgetCount>',
    );
    assert.equal(decoded.className, 'HostFutureThingEvent');
    assert.equal(eventBaseType('HostFutureThingEvent'), 'HostEvent');
    assert.deepEqual(decoded.data.Host, {
      Name: 'esx-1',
      Host: { Type: 'HostSystem', Value: 'host-9' },
    });
    assert.equal(decoded.data.WidgetCount, '3');
    assert.deepEqual(decoded.problems, [
      'event type HostFutureThingEvent is not in the vim25 type table; read as HostEvent',
      'HostEvent: unknown element widgetCount; read generically',
    ]);
  });

  it('reads an unknown type with no known base as a plain Event', () => {
    const decoded = decodeOne('Zzz', eventStart);
    assert.equal(eventBaseType('Zzz'), 'Event');
    assert.equal(decoded.key, 100);
    assert.equal(decoded.data.FullFormattedMessage, '');
  });

  it('reads a returnval of a type that is not an event as a plain Event', () => {
    const decoded = decodeOne('VirtualDisk', eventStart);
    assert.equal(decoded.key, 100);
    assert.deepEqual(decoded.problems, ['event type VirtualDisk is not an Event; read as Event']);
  });

  it('decodes the good events of a page around a malformed one', () => {
    const events = decodeEventsResponse(
      page(
        event('VmPoweredOnEvent', eventStart),
        '<returnval><key>oops</key></returnval>',
        event('VmPoweredOffEvent', eventStart.replace('100', '102')),
      ),
    );
    assert.deepEqual(
      events.map((e) => [e.className, e.key, e.problems.length > 0]),
      [
        ['VmPoweredOnEvent', 100, false],
        ['Event', 0, true],
        ['VmPoweredOffEvent', 102, false],
      ],
    );
    assert.match(events[1].problems.join('; '), /without xsi:type.*Event\.Key: "oops"/);
  });

  it('treats an xsi:nil element as absent', () => {
    const decoded = decodeOne(
      'UserLogoutSessionEvent',
      eventStart + '<loginTime xsi:nil="true"/><callCount xsi:nil="true"/>',
    );
    assert.equal(decoded.data.LoginTime, null);
    assert.equal(decoded.data.CallCount, 0);
    assert.deepEqual(decoded.problems, []);
  });

  it('ignores DynamicData bookkeeping elements, as Go did', () => {
    const decoded = decodeOne(
      'VmPoweredOnEvent',
      eventStart + '<dynamicType>x</dynamicType><template>false</template>',
    );
    assert.ok(!('DynamicType' in decoded.data));
    assert.deepEqual(decoded.problems, []);
  });
});

describe('SOAP faults', () => {
  const fault = (detail: string) =>
    `${envelopeStart}<soapenv:Fault><faultcode>ServerFaultCode</faultcode>` +
    `<faultstring>The session is not authenticated.</faultstring>${detail}</soapenv:Fault>` +
    envelopeEnd;

  it('throws VimFaultError with the fault type from xsi:type', () => {
    const xml = fault(
      '<detail><NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated">' +
        '<object type="SessionManager">SessionManager</object>' +
        '<privilegeId>System.View</privilegeId></NotAuthenticatedFault></detail>',
    );
    assert.throws(
      () => decodeEventsResponse(xml),
      (error: unknown) => {
        assert.ok(error instanceof VimFaultError);
        assert.equal(error.faultType, 'NotAuthenticated');
        assert.equal(error.faultMessage, 'The session is not authenticated.');
        assert.equal(error.faultCode, 'ServerFaultCode');
        assert.equal(
          error.message,
          'vCenter fault NotAuthenticated: The session is not authenticated.',
        );
        assert.deepEqual((error.detail as Record<string, unknown>).Object, {
          Type: 'SessionManager',
          Value: 'SessionManager',
        });
        assert.equal((error.detail as Record<string, unknown>).PrivilegeId, 'System.View');
        return true;
      },
    );
  });

  it('takes the fault type from the detail element name when there is no xsi:type', () => {
    const xml = fault('<detail><InvalidLoginFault xmlns="urn:vim25"/></detail>');
    assert.throws(() => soapResponseElement(xml), {
      name: 'VimFaultError',
      faultType: 'InvalidLogin',
    });
  });

  it('falls back to the faultcode when the fault has no detail', () => {
    const xml = fault('');
    assert.throws(() => decodeEventsResponse(xml), { faultType: 'ServerFaultCode' });
  });
});

describe('responses that are not SOAP', () => {
  it('refuses XML that is not a SOAP envelope', () => {
    assert.throws(() => decodeEventsResponse('<html><body>502</body></html>'), SoapResponseError);
  });

  it('refuses an envelope without a Body', () => {
    assert.throws(
      () =>
        decodeEventsResponse(`${envelopeStart.replace('<soapenv:Body>', '')}</soapenv:Envelope>`),
      SoapResponseError,
    );
  });

  it('refuses text that is not well-formed XML', () => {
    assert.throws(() => decodeEventsResponse(page().slice(0, -10)), XmlParseError);
  });
});

describe('decodeValue', () => {
  it('decodes any vim25 type for the vCenter client', () => {
    const element = parseXml(
      '<returnval xmlns="urn:vim25"><name>VMware vCenter Server</name>' +
        '<apiVersion>8.0.3.0</apiVersion><apiType>VirtualCenter</apiType></returnval>',
    );
    const about = decodeValue(element, 'AboutInfo') as Record<string, unknown>;
    assert.equal(about.ApiVersion, '8.0.3.0');
    assert.equal(about.ApiType, 'VirtualCenter');
    assert.equal(about.Build, '');
  });

  it('decodes scalars by their vim25 type name', () => {
    assert.equal(decodeValue(parseXml('<v>42</v>'), 'int'), 42);
    assert.equal(decodeValue(parseXml('<v>true</v>'), 'boolean'), true);
    const problems: string[] = [];
    assert.equal(decodeValue(parseXml('<v>4x2</v>'), 'long', problems), 0);
    assert.deepEqual(problems, ['long: "4x2" is not a valid long']);
  });
});
