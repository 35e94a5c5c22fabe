// The OTLP trace messages (opentelemetry-proto: common/v1, resource/v1, trace/v1, field numbers as
// published there) as @bufbuild/protobuf descriptors built at run time, so the test harness can
// turn protobuf-JSON into the binary encoding, and check that a JSON document is exactly what a
// protobuf-JSON writer emits, without generated code or .proto files in the repo.
import { create, createFileRegistry, fromJson, toBinary, toJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt';

const COMMON = 'opentelemetry.proto.common.v1';
const RESOURCE = 'opentelemetry.proto.resource.v1';
const TRACE = 'opentelemetry.proto.trace.v1';

interface FieldSpec {
  name: string;
  number: number;
  type: Type;
  /** Fully qualified message or enum name for MESSAGE / ENUM fields. */
  ref?: string;
  repeated?: boolean;
  oneofIndex?: number;
}

const f = (name: string, number: number, type: Type, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, number, type, ...extra });
const msg = (name: string, ref: string, number: number, extra: Partial<FieldSpec> = {}): FieldSpec => f(name, number, Type.MESSAGE, { ref, ...extra });
const list = (name: string, ref: string, number: number): FieldSpec => msg(name, ref, number, { repeated: true });

/** protoc's json_name: lower camel case of the field name. */
function jsonName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function message(name: string, fields: FieldSpec[], extra: { oneofs?: string[]; enums?: Array<{ name: string; values: string[] }>; nested?: object[] } = {}): object {
  return {
    name,
    field: fields.map((s) => ({
      name: s.name,
      number: s.number,
      type: s.type,
      label: s.repeated ? Label.REPEATED : Label.OPTIONAL,
      jsonName: jsonName(s.name),
      ...(s.ref ? { typeName: `.${s.ref}` } : {}),
      ...(s.oneofIndex !== undefined ? { oneofIndex: s.oneofIndex } : {}),
    })),
    oneofDecl: (extra.oneofs ?? []).map((n) => ({ name: n })),
    enumType: (extra.enums ?? []).map((e) => ({ name: e.name, value: e.values.map((v, i) => ({ name: v, number: i })) })),
    nestedType: extra.nested ?? [],
  };
}

function file(name: string, pkg: string, dependency: string[], messageType: object[]): FileDescriptorProto {
  return create(FileDescriptorProtoSchema, { name, package: pkg, dependency, syntax: 'proto3', messageType } as never);
}

const KV = `${COMMON}.KeyValue`;
const commonFile = file('opentelemetry/proto/common/v1/common.proto', COMMON, [], [
  message(
    'AnyValue',
    [
      f('string_value', 1, Type.STRING, { oneofIndex: 0 }),
      f('bool_value', 2, Type.BOOL, { oneofIndex: 0 }),
      f('int_value', 3, Type.INT64, { oneofIndex: 0 }),
      f('double_value', 4, Type.DOUBLE, { oneofIndex: 0 }),
      msg('array_value', `${COMMON}.ArrayValue`, 5, { oneofIndex: 0 }),
      msg('kvlist_value', `${COMMON}.KeyValueList`, 6, { oneofIndex: 0 }),
      f('bytes_value', 7, Type.BYTES, { oneofIndex: 0 }),
    ],
    { oneofs: ['value'] },
  ),
  message('ArrayValue', [list('values', `${COMMON}.AnyValue`, 1)]),
  message('KeyValueList', [list('values', KV, 1)]),
  message('KeyValue', [f('key', 1, Type.STRING), msg('value', `${COMMON}.AnyValue`, 2)]),
  message('InstrumentationScope', [f('name', 1, Type.STRING), f('version', 2, Type.STRING), list('attributes', KV, 3), f('dropped_attributes_count', 4, Type.UINT32)]),
]);

const resourceFile = file('opentelemetry/proto/resource/v1/resource.proto', RESOURCE, [commonFile.name], [
  message('Resource', [list('attributes', KV, 1), f('dropped_attributes_count', 2, Type.UINT32)]),
]);

const traceFile = file('opentelemetry/proto/trace/v1/trace.proto', TRACE, [commonFile.name, resourceFile.name], [
  message('TracesData', [list('resource_spans', `${TRACE}.ResourceSpans`, 1)]),
  message('ResourceSpans', [msg('resource', `${RESOURCE}.Resource`, 1), list('scope_spans', `${TRACE}.ScopeSpans`, 2), f('schema_url', 3, Type.STRING)]),
  message('ScopeSpans', [msg('scope', `${COMMON}.InstrumentationScope`, 1), list('spans', `${TRACE}.Span`, 2), f('schema_url', 3, Type.STRING)]),
  message(
    'Span',
    [
      f('trace_id', 1, Type.BYTES),
      f('span_id', 2, Type.BYTES),
      f('trace_state', 3, Type.STRING),
      f('parent_span_id', 4, Type.BYTES),
      f('flags', 16, Type.FIXED32),
      f('name', 5, Type.STRING),
      f('kind', 6, Type.ENUM, { ref: `${TRACE}.Span.SpanKind` }),
      f('start_time_unix_nano', 7, Type.FIXED64),
      f('end_time_unix_nano', 8, Type.FIXED64),
      list('attributes', KV, 9),
      f('dropped_attributes_count', 10, Type.UINT32),
      list('events', `${TRACE}.Span.Event`, 11),
      f('dropped_events_count', 12, Type.UINT32),
      list('links', `${TRACE}.Span.Link`, 13),
      f('dropped_links_count', 14, Type.UINT32),
      msg('status', `${TRACE}.Status`, 15),
    ],
    {
      enums: [{ name: 'SpanKind', values: ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'] }],
      nested: [
        message('Event', [f('time_unix_nano', 1, Type.FIXED64), f('name', 2, Type.STRING), list('attributes', KV, 3), f('dropped_attributes_count', 4, Type.UINT32)]),
        message('Link', [
          f('trace_id', 1, Type.BYTES),
          f('span_id', 2, Type.BYTES),
          f('trace_state', 3, Type.STRING),
          list('attributes', KV, 4),
          f('dropped_attributes_count', 5, Type.UINT32),
          f('flags', 6, Type.FIXED32),
        ]),
      ],
    },
  ),
  message('Status', [f('message', 2, Type.STRING), f('code', 3, Type.ENUM, { ref: `${TRACE}.Status.StatusCode` })], {
    enums: [{ name: 'StatusCode', values: ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] }],
  }),
]);

const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: [commonFile, resourceFile, traceFile] }));

function lookup(name: string): DescMessage {
  const m = registry.getMessage(name);
  if (!m) throw new Error(`OTLP schema: ${name} missing`);
  return m;
}

/** `opentelemetry.proto.trace.v1.TracesData`: on the wire the same as ExportTraceServiceRequest and Tempo's `batches`. */
export const TracesDataSchema = lookup(`${TRACE}.TracesData`);

/**
 * A list of resource spans in protobuf-JSON (`resourceSpans` of OTLP, `batches` of Tempo's v1 API)
 * as the binary `TracesData`. Unknown keys and values of the wrong JSON type throw.
 */
export function resourceSpansToProtobuf(resourceSpans: unknown): Uint8Array {
  return toBinary(TracesDataSchema, fromJson(TracesDataSchema, { resourceSpans } as JsonValue));
}

/**
 * Parses resource spans strictly and writes them back as canonical protobuf-JSON (base64 ids, enum
 * names, 64-bit integers as strings, zero values omitted): equal to the input exactly when the input
 * is what a protobuf-JSON writer emits.
 */
export function canonicalResourceSpans(resourceSpans: unknown): unknown {
  const json = toJson(TracesDataSchema, fromJson(TracesDataSchema, { resourceSpans } as JsonValue)) as { resourceSpans?: unknown };
  return json.resourceSpans ?? [];
}
