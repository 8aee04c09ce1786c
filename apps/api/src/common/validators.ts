import { ValidateBy, ValidateIf, ValidatorConstraint, ValidatorConstraintInterface, ValidationArguments } from 'class-validator';

@ValidatorConstraint({ name: 'isTimeZone' })
export class IsTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length > 64) return false;
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be an IANA time zone such as America/Argentina/Cordoba`;
  }
}

/**
 * Like @IsOptional for PATCH fields whose column is NOT NULL: leaving the field out is fine, sending
 * `null` is not (IsOptional would let null through to the database).
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/**
 * A number with at most `places` decimal places, also when JavaScript writes it in exponent form
 * (3e-323, 1e-7). class-validator's `IsNumber({ maxDecimalPlaces })` reads the digits after a "."
 * and threw on "3e-323" (a 500, found by test/integration/api-fuzz.int-spec.ts).
 */
export function IsNumberWithDecimals(places: number): PropertyDecorator {
  return ValidateBy({
    name: 'isNumberWithDecimals',
    constraints: [places],
    validator: {
      validate: (value: unknown) => typeof value === 'number' && Number.isFinite(value) && decimalPlaces(value) <= places,
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be a number with at most ${places} decimal places`,
    },
  });
}

function decimalPlaces(value: number): number {
  const [mantissa, exponent = '0'] = String(value).toLowerCase().split('e');
  return Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - Number(exponent));
}
