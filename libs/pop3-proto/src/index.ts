export { type ParseResult, POP3_COMMANDS, type Pop3Command, type Pop3CommandName, parseCommand } from './command.js';
export { MAX_ARGUMENT, MAX_COMMAND_LINE, MAX_MESSAGE_NUMBER, MAX_SASL_LINE } from './limits.js';
export { type LineEvent, LineReader } from './line-reader.js';
export { continuation, dotStuffed, err, multiline, ok, type RespCode } from './response.js';
