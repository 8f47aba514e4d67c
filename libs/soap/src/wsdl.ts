/** Generates the WSDL 1.1 (document/literal, SOAP 1.1) from the operation spec. */
import type { Field, Fields, FieldType, Operation, StructType } from './schema.js';
import { operations } from './spec.js';

export const NAMESPACE = 'urn:kgc-ts:soap:1';
export const SERVICE_NAME = 'KgcService';
export const PORT_NAME = 'KgcPort';

const XSD: Record<string, string> = {
  string: 'xsd:string',
  int: 'xsd:int',
  long: 'xsd:long',
  boolean: 'xsd:boolean',
  base64: 'xsd:base64Binary',
  dateTime: 'xsd:dateTime',
};

function typeRef(type: FieldType): string {
  return type.kind === 'scalar' ? (XSD[type.xsd] ?? 'xsd:string') : `tns:${type.name}`;
}

function element(name: string, field: Field): string {
  const occurs =
    field.occurs === 'many'
      ? ' minOccurs="0" maxOccurs="unbounded"'
      : field.occurs === 'optional'
        ? ' minOccurs="0"'
        : '';
  return `<xsd:element name="${name}" type="${typeRef(field.type)}"${occurs}/>`;
}

function sequence(fields: Fields): string {
  return `<xsd:sequence>${Object.entries(fields)
    .map(([n, f]) => element(n, f))
    .join('')}</xsd:sequence>`;
}

function collectStructs(fields: Fields, into: Map<string, StructType>): void {
  for (const f of Object.values(fields)) {
    if (f.type.kind === 'struct' && !into.has(f.type.name)) {
      into.set(f.type.name, f.type);
      collectStructs(f.type.fields, into);
    }
  }
}

export function generateWsdl(location = 'http://localhost:8236/'): string {
  const ops = Object.entries(operations) as [string, Operation][];
  const structs = new Map<string, StructType>();
  for (const [, o] of ops) {
    collectStructs(o.input, structs);
    collectStructs(o.output, structs);
  }
  const types = [...structs.values()]
    .map((s) => `<xsd:complexType name="${s.name}">${sequence(s.fields)}</xsd:complexType>`)
    .join('\n');
  const elements = ops
    .map(
      ([n, o]) =>
        `<xsd:element name="${n}"><xsd:complexType>${sequence(o.input)}</xsd:complexType></xsd:element>\n` +
        `<xsd:element name="${n}Response"><xsd:complexType>${sequence(o.output)}</xsd:complexType></xsd:element>`,
    )
    .join('\n');
  const messages = ops
    .map(
      ([n]) =>
        `<message name="${n}Request"><part name="parameters" element="tns:${n}"/></message>\n` +
        `<message name="${n}Response"><part name="parameters" element="tns:${n}Response"/></message>`,
    )
    .join('\n');
  const portOps = ops
    .map(
      ([n, o]) =>
        `<operation name="${n}"><documentation>${escapeXml(o.doc)}</documentation><input message="tns:${n}Request"/>` +
        `<output message="tns:${n}Response"/><fault name="KgcFault" message="tns:KgcFault"/></operation>`,
    )
    .join('\n');
  const bindingOps = ops
    .map(
      ([n]) =>
        `<operation name="${n}"><soap:operation soapAction="${NAMESPACE}#${n}"/><input><soap:body use="literal"/></input>` +
        `<output><soap:body use="literal"/></output><fault name="KgcFault"><soap:fault name="KgcFault" use="literal"/></fault></operation>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions name="KgcTs" targetNamespace="${NAMESPACE}" xmlns="http://schemas.xmlsoap.org/wsdl/"
  xmlns:tns="${NAMESPACE}" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
<types><xsd:schema targetNamespace="${NAMESPACE}" elementFormDefault="qualified">
${types}
<xsd:element name="KgcFault"><xsd:complexType><xsd:sequence><xsd:element name="code" type="xsd:string"/><xsd:element name="message" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>
${elements}
</xsd:schema></types>
<message name="KgcFault"><part name="fault" element="tns:KgcFault"/></message>
${messages}
<portType name="KgcPortType">
${portOps}
</portType>
<binding name="KgcBinding" type="tns:KgcPortType"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
${bindingOps}
</binding>
<service name="${SERVICE_NAME}"><port name="${PORT_NAME}" binding="tns:KgcBinding"><soap:address location="${escapeXml(location)}"/></port></service>
</definitions>
`;
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}
