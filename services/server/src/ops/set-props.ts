import { accessMessages, announce, NONE, principal } from './common.js';
import type { Op } from './op.js';
import { propValue } from './props.js';

/** Sets properties; a prop without a value is removed. */
export const setProps: Op<'setProps'> = async (ctx, input) => {
  const p = await principal(ctx, input.sessionId);
  await accessMessages(ctx, p, [input.messageId]);
  const set = Object.fromEntries(input.props.filter((x) => x.value !== undefined).map((x) => [x.name, propValue(x)]));
  const remove = input.props.filter((x) => x.value === undefined).map((x) => x.name);
  const r = await ctx.storage.properties.setProperties([
    { object: { type: 'message', id: input.messageId }, set, remove },
  ]);
  announce(ctx, r.changes);
  return NONE;
};
