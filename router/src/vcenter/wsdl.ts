// Our own minimal vim25 WSDL: only the operations the router calls. vCenter does not serve a
// WSDL we can count on, and VMware's WSDL files may not be redistributed.
//
// Request types list their elements in vim25's schema order, because a real vCenter rejects
// elements out of order (vcsim does not). Every response is declared xsd:anyType: the client
// decodes response bodies itself from the raw XML with the vim25 type table (decode.ts), which
// knows the polymorphic types node-soap would not.

const requestTypes: Record<string, string> = {
  RetrieveServiceContentRequestType: '<element name="_this" type="vim25:ManagedObjectReference"/>',
  LoginRequestType: `<element name="_this" type="vim25:ManagedObjectReference"/>
      <element name="userName" type="xsd:string"/>
      <element name="password" type="xsd:string"/>
      <element name="locale" type="xsd:string" minOccurs="0"/>`,
  LogoutRequestType: '<element name="_this" type="vim25:ManagedObjectReference"/>',
  CurrentTimeRequestType: '<element name="_this" type="vim25:ManagedObjectReference"/>',
  CreateCollectorForEventsRequestType: `<element name="_this" type="vim25:ManagedObjectReference"/>
      <element name="filter" type="vim25:EventFilterSpec"/>`,
  ReadNextEventsRequestType: `<element name="_this" type="vim25:ManagedObjectReference"/>
      <element name="maxCount" type="xsd:int"/>`,
  DestroyCollectorRequestType: '<element name="_this" type="vim25:ManagedObjectReference"/>',
  RetrievePropertiesExRequestType: `<element name="_this" type="vim25:ManagedObjectReference"/>
      <element name="specSet" type="vim25:PropertyFilterSpec" maxOccurs="unbounded"/>
      <element name="options" type="vim25:RetrieveOptions"/>`,
};

const dataTypes = `
  <complexType name="ManagedObjectReference">
    <simpleContent>
      <extension base="xsd:string"><attribute name="type" type="xsd:string"/></extension>
    </simpleContent>
  </complexType>
  <complexType name="EventFilterSpecByEntity"><sequence>
    <element name="entity" type="vim25:ManagedObjectReference"/>
    <element name="recursion" type="xsd:string"/>
  </sequence></complexType>
  <complexType name="EventFilterSpecByTime"><sequence>
    <element name="beginTime" type="xsd:string" minOccurs="0"/>
    <element name="endTime" type="xsd:string" minOccurs="0"/>
  </sequence></complexType>
  <complexType name="EventFilterSpec"><sequence>
    <element name="entity" type="vim25:EventFilterSpecByEntity" minOccurs="0"/>
    <element name="time" type="vim25:EventFilterSpecByTime" minOccurs="0"/>
  </sequence></complexType>
  <complexType name="PropertySpec"><sequence>
    <element name="type" type="xsd:string"/>
    <element name="all" type="xsd:boolean" minOccurs="0"/>
    <element name="pathSet" type="xsd:string" minOccurs="0" maxOccurs="unbounded"/>
  </sequence></complexType>
  <complexType name="ObjectSpec"><sequence>
    <element name="obj" type="vim25:ManagedObjectReference"/>
    <element name="skip" type="xsd:boolean" minOccurs="0"/>
  </sequence></complexType>
  <complexType name="PropertyFilterSpec"><sequence>
    <element name="propSet" type="vim25:PropertySpec" maxOccurs="unbounded"/>
    <element name="objectSet" type="vim25:ObjectSpec" maxOccurs="unbounded"/>
  </sequence></complexType>
  <complexType name="RetrieveOptions"><sequence>
    <element name="maxObjects" type="xsd:int" minOccurs="0"/>
  </sequence></complexType>`;

/** The operations, in the order they appear in the generated WSDL. */
export const vim25Operations = [
  'RetrieveServiceContent',
  'Login',
  'Logout',
  'CurrentTime',
  'CreateCollectorForEvents',
  'ReadNextEvents',
  'DestroyCollector',
  'RetrievePropertiesEx',
] as const;

export type Vim25Operation = (typeof vim25Operations)[number];

function schemaElements(): string {
  const parts: string[] = [];
  for (const operation of vim25Operations) {
    const fields = requestTypes[`${operation}RequestType`];
    parts.push(`<complexType name="${operation}RequestType"><sequence>${fields}</sequence>
      </complexType>`);
    parts.push(`<element name="${operation}" type="vim25:${operation}RequestType"/>`);
    parts.push(`<element name="${operation}Response"><complexType><sequence>
      <element name="returnval" type="xsd:anyType" minOccurs="0" maxOccurs="unbounded"/>
      </sequence></complexType></element>`);
  }
  return parts.join('\n');
}

function messagesAndOperations(): { messages: string; portOps: string; bindingOps: string } {
  const messages: string[] = [];
  const portOps: string[] = [];
  const bindingOps: string[] = [];
  for (const op of vim25Operations) {
    messages.push(`<message name="${op}RequestMsg"><part name="parameters" element="vim25:${op}"/>
      </message><message name="${op}ResponseMsg">
      <part name="parameters" element="vim25:${op}Response"/></message>`);
    portOps.push(`<operation name="${op}"><input message="vim25:${op}RequestMsg"/>
      <output message="vim25:${op}ResponseMsg"/></operation>`);
    bindingOps.push(`<operation name="${op}"><soap:operation soapAction="urn:vim25/6.7"/>
      <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output>
      </operation>`);
  }
  return {
    messages: messages.join('\n'),
    portOps: portOps.join('\n'),
    bindingOps: bindingOps.join('\n'),
  };
}

/** The WSDL document, addressed at `endpoint` (the vCenter's /sdk URL). */
export function vim25Wsdl(endpoint: string): string {
  const { messages, portOps, bindingOps } = messagesAndOperations();
  const escapedEndpoint = endpoint.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions targetNamespace="urn:vim25" xmlns="http://schemas.xmlsoap.org/wsdl/"
  xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:vim25="urn:vim25"
  xmlns:xsd="http://www.w3.org/2001/XMLSchema">
<types>
<schema targetNamespace="urn:vim25" xmlns="http://www.w3.org/2001/XMLSchema"
  xmlns:vim25="urn:vim25" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  elementFormDefault="qualified">
${dataTypes}
${schemaElements()}
</schema>
</types>
${messages}
<portType name="VimPortType">${portOps}</portType>
<binding name="VimBinding" type="vim25:VimPortType">
<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
${bindingOps}
</binding>
<service name="VimService"><port name="VimPort" binding="vim25:VimBinding">
<soap:address location="${escapedEndpoint}"/></port></service>
</definitions>`;
}
