/** The operation table: every SOAP operation, one file each. The type makes a missing one a compile error. */

import type { ServerContext } from '../context.js';
import type { OpTable } from '../soap/dispatcher.js';
import { addGroupUser } from './add-group-user.js';
import { addSendAsUser } from './add-send-as-user.js';
import { claimOutgoing } from './claim-outgoing.js';
import { copyFolder } from './copy-folder.js';
import { copyObjects } from './copy-objects.js';
import { createFolder } from './create-folder.js';
import { createGroup } from './create-group.js';
import { createMessage } from './create-message.js';
import { createUser } from './create-user.js';
import { deferMessage } from './defer-message.js';
import { delSendAsUser } from './del-send-as-user.js';
import { deleteFolder } from './delete-folder.js';
import { deleteGroupUser } from './delete-group-user.js';
import { deleteObjects } from './delete-objects.js';
import { deleteUser } from './delete-user.js';
import { deliverMessage } from './deliver-message.js';
import { emptyFolder } from './empty-folder.js';
import { finishedMessage } from './finished-message.js';
import { finishedMessages } from './finished-messages.js';
import { getChanges } from './get-changes.js';
import { getFolderStatus } from './get-folder-status.js';
import { getGroup } from './get-group.js';
import { getGroupList } from './get-group-list.js';
import { getGroupListOfUser } from './get-group-list-of-user.js';
import { getHierarchy } from './get-hierarchy.js';
import { getQueueStatus } from './get-queue-status.js';
import { GetQuota } from './get-quota.js';
import { GetQuotaStatus } from './get-quota-status.js';
import { getSendAsList } from './get-send-as-list.js';
import { getSessionInfo } from './get-session-info.js';
import { getStore } from './get-store.js';
import { getUser } from './get-user.js';
import { getUserList } from './get-user-list.js';
import { getUserListOfGroup } from './get-user-list-of-group.js';
import { groupDelete } from './group-delete.js';
import { loadMessages } from './load-messages.js';
import { loadObject } from './load-object.js';
import { logoff } from './logoff.js';
import { logon } from './logon.js';
import { notifyGetItems } from './notify-get-items.js';
import { renewOutgoing } from './renew-outgoing.js';
import { resolveEmail } from './resolve-email.js';
import { resolveUsername } from './resolve-username.js';
import { searchBodies } from './search-bodies.js';
import { serviceLogon } from './service-logon.js';
import { setFolderSubscribed } from './set-folder-subscribed.js';
import { setMessageFlags } from './set-message-flags.js';
import { setProps } from './set-props.js';
import { SetQuota } from './set-quota.js';
import { setUser } from './set-user.js';
import { setUserFeatures } from './set-user-features.js';
import { submitMessage } from './submit-message.js';
import { submitRawMessage } from './submit-raw-message.js';
import { tableQueryRows } from './table-query-rows.js';

export const operationTable: OpTable<ServerContext> = {
  logon,
  serviceLogon,
  logoff,
  getSessionInfo,
  getStore,
  getHierarchy,
  createFolder,
  copyFolder,
  deleteFolder,
  emptyFolder,
  getFolderStatus,
  setFolderSubscribed,
  createMessage,
  deliverMessage,
  loadObject,
  loadMessages,
  searchBodies,
  setMessageFlags,
  copyObjects,
  deleteObjects,
  tableQueryRows,
  setProps,
  getChanges,
  notifyGetItems,
  submitMessage,
  submitRawMessage,
  claimOutgoing,
  deferMessage,
  finishedMessage,
  finishedMessages,
  renewOutgoing,
  getQueueStatus,
  createUser,
  setUser,
  getUser,
  deleteUser,
  getUserList,
  resolveUsername,
  resolveEmail,
  setUserFeatures,
  createGroup,
  groupDelete,
  getGroup,
  getGroupList,
  addGroupUser,
  deleteGroupUser,
  getUserListOfGroup,
  getGroupListOfUser,
  getSendAsList,
  addSendAsUser,
  delSendAsUser,
  GetQuota,
  SetQuota,
  GetQuotaStatus,
};
