/** The command table: every action of kgc-admin, selected by its trigger option. */
import type { Command } from '../command.js';
import { createUser } from './create-user.js';
import { deleteUser } from './delete-user.js';
import { details } from './details.js';
import { addToGroup, createGroup, deleteGroup, removeFromGroup } from './groups.js';
import { listGroups } from './list-groups.js';
import { listUsers } from './list-users.js';
import { listSendAs } from './sendas.js';
import { updateUser } from './update-user.js';

export const COMMANDS: readonly Command[] = [
  createUser,
  updateUser,
  deleteUser,
  listUsers,
  listGroups,
  details,
  createGroup,
  deleteGroup,
  addToGroup,
  removeFromGroup,
  listSendAs,
];
