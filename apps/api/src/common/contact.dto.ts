import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';

/** A person to write to. Never part of public responses. */
export class ContactDto {
  @ApiPropertyOptional({ example: 'María Pérez', nullable: true, type: String })
  @IsOptional() @IsString() @MaxLength(200)
  name?: string | null;

  @ApiProperty({ example: 'modernizacion@rosario.example' })
  @IsEmail() @MaxLength(254)
  email!: string;
}

export function mapContacts(contacts: { name?: string | null; email: string }[]): { name: string | null; email: string }[] {
  return contacts.map((c) => ({ name: c.name ?? null, email: c.email }));
}
