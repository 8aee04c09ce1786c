/** A person to write to. Personal data: never in public responses. */
export interface Contact {
  name: string | null;
  email: string;
}
