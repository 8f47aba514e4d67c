/**
 * A small type DSL for the SOAP API. One definition yields the WSDL (wsdl.ts), the wire codec
 * (codec.ts) and the TypeScript types of every call (Input<'op'>, Output<'op'>).
 */
export type ScalarKind = 'string' | 'int' | 'long' | 'boolean' | 'base64' | 'dateTime';

export interface ScalarType<K extends ScalarKind = ScalarKind> {
  readonly kind: 'scalar';
  readonly xsd: K;
}

export interface StructType<F extends Fields = Fields> {
  readonly kind: 'struct';
  readonly name: string;
  readonly fields: F;
}

export type FieldType = ScalarType | StructType;
export type Occurs = 'one' | 'optional' | 'many';

export interface Field<T extends FieldType = FieldType, O extends Occurs = Occurs> {
  readonly type: T;
  readonly occurs: O;
}

export type Fields = { readonly [name: string]: Field };

const scalar = <K extends ScalarKind>(xsd: K): ScalarType<K> => ({ kind: 'scalar', xsd });

export const t = {
  string: scalar('string'),
  int: scalar('int'),
  long: scalar('long'),
  boolean: scalar('boolean'),
  base64: scalar('base64'),
  dateTime: scalar('dateTime'),
  struct: <F extends Fields>(name: string, fields: F): StructType<F> => ({ kind: 'struct', name, fields }),
};

export const one = <T extends FieldType>(type: T): Field<T, 'one'> => ({ type, occurs: 'one' });
export const opt = <T extends FieldType>(type: T): Field<T, 'optional'> => ({ type, occurs: 'optional' });
export const many = <T extends FieldType>(type: T): Field<T, 'many'> => ({ type, occurs: 'many' });

interface ScalarTs {
  string: string;
  int: number;
  long: number;
  boolean: boolean;
  base64: Buffer;
  dateTime: Date;
}

export type TsOf<T> = T extends ScalarType<infer K> ? ScalarTs[K] : T extends StructType<infer F> ? Obj<F> : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K]['occurs'] extends 'optional' ? never : K }[keyof F];
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K]['occurs'] extends 'optional' ? K : never }[keyof F];
type FieldTs<FD> = FD extends Field<infer T, infer O> ? (O extends 'many' ? TsOf<T>[] : TsOf<T>) : never;

export type Obj<F extends Fields> = Simplify<
  { [K in RequiredKeys<F>]: FieldTs<F[K]> } & { [K in OptionalKeys<F>]?: FieldTs<F[K]> | undefined }
>;

export interface Operation<I extends Fields = Fields, O extends Fields = Fields> {
  readonly input: I;
  readonly output: O;
  /** One line for the docs and the WSDL. */
  readonly doc: string;
}

export const op = <I extends Fields, O extends Fields>(doc: string, input: I, output: O): Operation<I, O> => ({
  doc,
  input,
  output,
});
