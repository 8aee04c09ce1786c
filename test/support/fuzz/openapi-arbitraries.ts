/**
 * fast-check arbitraries built from an OpenAPI 3 document's schemas (as Nest's Swagger module
 * writes them): `validish` follows the schema ($ref, allOf, oneOf, enum, required, formats, lengths
 * and bounds), `malformed` breaks a valid-ish value in one place (wrong type, missing required
 * field, extra field, huge string, control characters and NUL, lone surrogates, deep nesting, an
 * array for an object), and `rawText` gives text that is not what the route reads at all.
 */
import fc from 'fast-check';

/** A schema as the document has it (loosely typed: the document is JSON). */
export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
  description?: string;
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
};
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
export type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  'x-roles'?: string[];
};

/** Values of the generation that are not in the schema: ids of rows that exist (so references resolve now and then). */
export interface GenerationContext {
  ids: string[];
}

export function resolve(doc: OpenApiDocument, schema: Schema | undefined, seen = 0): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(doc, doc.components?.schemas?.[name], seen + 1);
  }
  // Nest writes a described $ref as `allOf: [{ $ref }]`.
  if (schema.allOf?.length === 1 && !schema.properties) return { ...resolve(doc, schema.allOf[0], seen + 1), description: schema.description, nullable: schema.nullable };
  return schema;
}

const DATE_ONLY = /YYYY-MM-DD/;
const isoDate = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true });

/** A value the schema describes (bounded sizes), sometimes its example, uuids sometimes of real rows. */
export function validish(doc: OpenApiDocument, raw: Schema | undefined, ctx: GenerationContext, name = '', depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  const orNull = (arb: fc.Arbitrary<unknown>) => (schema.nullable ? fc.option(arb, { freq: 8, nil: null }) : arb);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => validish(doc, b, ctx, name, depth + 1)));
  if (schema.enum?.length) return orNull(fc.constantFrom(...schema.enum));
  const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  switch (type) {
    case 'string': {
      const options: fc.Arbitrary<unknown>[] = [];
      if (schema.example !== undefined && typeof schema.example === 'string') options.push(fc.constant(schema.example));
      if (schema.format === 'uuid' || /Id$|^id$/.test(name)) options.push(fc.constantFrom(...ctx.ids), fc.uuid());
      else if (schema.format === 'date-time' || /At$/.test(name)) options.push(isoDate.map((d) => d.toISOString()));
      else if (DATE_ONLY.test(schema.description ?? '') || /^(period|term)/.test(name)) options.push(isoDate.map((d) => d.toISOString().slice(0, 10)));
      else if (schema.format === 'email' || /email/i.test(name)) options.push(fc.emailAddress());
      else if (schema.format === 'uri' || /url$/i.test(name)) options.push(fc.webUrl());
      options.push(fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 200) }));
      return orNull(fc.oneof(...options));
    }
    case 'integer':
      return orNull(fc.integer({ min: schema.minimum ?? -5, max: schema.maximum ?? Math.max((schema.minimum ?? 0) + 1000, 1000) }));
    case 'number':
      return orNull(fc.double({ min: schema.minimum ?? -5, max: schema.maximum ?? 1e6, noNaN: true }));
    case 'boolean':
      return orNull(fc.boolean());
    case 'array':
      if (depth > 6) return fc.constant([]);
      return orNull(fc.array(validish(doc, schema.items, ctx, name, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)) }));
    case 'object': {
      if (depth > 6) return fc.constant({});
      const props = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([key, value]) => [key, validish(doc, value, ctx, key, depth + 1)]));
      return orNull(fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Strings no field expects: NUL and other control characters, lone surrogates, right-to-left marks, emoji, SQL and HTML. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 10 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\u202e\u0000', '💥', "'; DROP TABLE plan; --", '<script>alert(1)</script>', '../../etc/passwd', '%00', '\\u0000', ' ', ''),
);

/** 10 000 to 300 000 characters (mostly beyond every field's maximum). */
export const hugeString: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 10_000, max: 300_000 }), fc.constantFrom('x', 'é', '😀', '\u0000')).map(([n, c]) => c.repeat(Math.ceil(n / c.length)));

/** Arrays or objects nested `depth` deep. */
export const deepNesting: fc.Arbitrary<unknown> = fc.tuple(fc.integer({ min: 20, max: 3_000 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

/** A value of some other JSON type than the schema's. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.string({ maxLength: 10 }),
  nastyString,
);

/** Every path (list of keys) in a JSON value, the root included. */
export function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (out.length > 500) return out;
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown | typeof REMOVE): unknown {
  if (path.length === 0) return replacement === REMOVE ? undefined : replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  if (rest.length === 0 && replacement === REMOVE) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = setAt(copy[head], rest, replacement);
  return copy;
}
const REMOVE = Symbol('remove');

export type Mutation = 'wrong type' | 'remove' | 'extra field' | 'huge string' | 'nasty string' | 'deep nesting' | 'wrapped in an array' | 'null';

/** A valid-ish value broken in one place (fast-check shrinks both the value and where it is broken). */
export function malformed(valid: fc.Arbitrary<unknown>): fc.Arbitrary<{ mutation: Mutation; at: string; value: unknown }> {
  const replacement = (mutation: Mutation): fc.Arbitrary<unknown> =>
    mutation === 'wrong type' ? wrongValue
      : mutation === 'huge string' ? hugeString
        : mutation === 'nasty string' ? nastyString
          : mutation === 'deep nesting' ? deepNesting
            : mutation === 'null' ? fc.constant(null)
              : fc.constant(undefined);
  return fc
    .constantFrom<Mutation>('wrong type', 'remove', 'extra field', 'huge string', 'nasty string', 'nasty string', 'deep nesting', 'wrapped in an array', 'null', 'wrong type')
    .chain((mutation) => fc.tuple(fc.constant(mutation), valid, fc.nat(), replacement(mutation), fc.oneof(fc.string({ maxLength: 12 }), nastyString)))
    .map(([mutation, value, pick, junk, key]) => {
      const paths = pathsOf(value);
      const path = paths[pick % paths.length];
      const at = path.join('.') || '(root)';
      switch (mutation) {
        case 'remove':
          return { mutation, at, value: path.length ? setAt(value, path, REMOVE) : undefined };
        case 'extra field': {
          const objects = paths.filter((p) => isObject(getAt(value, p)));
          const target = objects.length ? objects[pick % objects.length] : [];
          const host = getAt(value, target);
          return { mutation, at: [...target, key].join('.'), value: setAt(value, target, { ...(isObject(host) ? host : {}), [key]: 'surprise' }) };
        }
        case 'wrapped in an array':
          return { mutation, at, value: setAt(value, path, [getAt(value, path)]) };
        default:
          return { mutation, at, value: setAt(value, path, junk) };
      }
    });
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
function getAt(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined), value);
}

/** A body in the wrong shape or type altogether: text that is not JSON, JSON that is cut, a scalar, deep nesting, nothing. */
export function rawText(validJson: fc.Arbitrary<string>): fc.Arbitrary<{ contentType: string | undefined; text: string | undefined; why: string }> {
  const contentTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x', 'text/csv', 'application/octet-stream', 'application/json; charset=latin1', 'application/problem+json', undefined);
  return fc.oneof(
    fc.tuple(validJson, fc.nat()).map(([text, cut]) => ({ contentType: 'application/json', text: text.slice(0, cut % Math.max(text.length, 1)), why: 'JSON cut short' })),
    fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ contentType: 'application/json', text, why: 'text that is not JSON' })),
    fc.tuple(validJson, contentTypes).map(([text, contentType]) => ({ contentType, text, why: 'JSON with another content type' })),
    fc.tuple(fc.oneof(fc.jsonValue({ maxDepth: 0 }), deepNesting), fc.constantFrom('application/json', 'text/plain')).map(([v, contentType]) => ({ contentType, text: JSON.stringify(v) ?? 'null', why: 'a scalar or deep nesting' })),
    fc.constantFrom('', '\u0000', '{', '[', '{"a":1,"a":2}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '\ufeff{}', 'null', '[]').map((text) => ({ contentType: 'application/json', text, why: 'odd JSON' })),
    fc.constant({ contentType: undefined, text: undefined, why: 'no body' }),
  );
}
