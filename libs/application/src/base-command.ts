import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** A command that is not valid: a programming error of its caller (the API validated the request already). */
export class InvalidCommandError extends Error {
  constructor(command: string, readonly problems: string[]) {
    super(`${command} is not valid: ${problems.join('; ')}`);
    this.name = 'InvalidCommandError';
  }
}

/** Commands are validated on construction: `XCommand.create({...})` returns a valid command or throws. */
export abstract class BaseCommand {
  static create<T extends BaseCommand>(this: new () => T, data: Omit<T, never>): T {
    const command = plainToInstance(this, data, { enableImplicitConversion: false });
    Object.assign(command, data); // keep nested objects (entities, dates) as given
    const errors = validateSync(command, { forbidUnknownValues: false });
    if (errors.length > 0) throw new InvalidCommandError(this.name, errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`));
    return command;
  }
}
