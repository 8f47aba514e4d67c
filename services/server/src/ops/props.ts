/** SOAP Prop (name, type, text value) <-> storage PropertyValue. */
import { KcError, type Output } from '@kgc/soap';
import type { PropertyMap, PropertyValue } from '../storage/properties.js';

type PropIn = { name: string; type: string; value?: string | undefined };
type PropOut = Output<'loadObject'>['message']['props'][number];

export function propValue(p: PropIn): PropertyValue {
  const v = p.value ?? '';
  const bad = () => new KcError('KCERR_INVALID_PARAMETER', `property ${p.name}: bad ${p.type} value`);
  switch (p.type) {
    case 'string':
      return { type: 'string', value: v };
    case 'int': {
      if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw bad();
      return { type: 'int', value: Number(v) };
    }
    case 'bool':
      if (v !== 'true' && v !== 'false') throw bad();
      return { type: 'bool', value: v === 'true' };
    case 'binary':
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw bad();
      return { type: 'binary', value: Buffer.from(v, 'base64') };
    case 'date': {
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw bad();
      return { type: 'date', value: d };
    }
    default:
      throw new KcError('KCERR_INVALID_TYPE', `property ${p.name}: unknown type ${p.type}`);
  }
}

export function propsIn(props: readonly PropIn[]): PropertyMap {
  const out: PropertyMap = {};
  for (const p of props) out[p.name] = propValue(p);
  return out;
}

export function propsOut(map: PropertyMap): PropOut[] {
  return Object.entries(map).map(([name, pv]) => {
    switch (pv.type) {
      case 'binary':
        return { name, type: pv.type, value: Buffer.from(pv.value).toString('base64') };
      case 'date':
        return { name, type: pv.type, value: pv.value.toISOString() };
      default:
        return { name, type: pv.type, value: String(pv.value) };
    }
  });
}
