import { ProblemException } from '../common/problem-details.filter';
import { validationPipe } from '../common/validation';
import { SubmitEvidenceDto } from './dto/evidence-upload.dto';
import { ACCEPTED_TYPES_TEXT, detectEvidenceMediaType, InspectedEvidenceFile, MAX_EVIDENCE_FILES, sanitiseFileName, sha256Of, UploadedEvidenceFile } from './evidence-files';

/** What a submission carries once read and checked, whichever way it arrived. */
export interface EvidenceSubmission {
  dto: SubmitEvidenceDto;
  files: InspectedEvidenceFile[];
}

/** The raw request: a JSON body, or a multipart form's text fields and its files. */
export interface RawEvidenceSubmission {
  body: unknown;
  multipart: boolean;
  files?: UploadedEvidenceFile[];
}

const pipe = validationPipe();

/**
 * Reads a submission: the text fields by the rules of SubmitEvidenceDto (400 naming each field; a
 * multipart form's values are strings, so `links` may be repeated or one JSON array and `isPublic`
 * is "true" or "false"), then each file by its content (415 naming `files`). Nothing is stored here.
 */
export async function readEvidenceSubmission(raw: RawEvidenceSubmission): Promise<EvidenceSubmission> {
  const body = raw.multipart ? fromMultipartFields(raw.body) : raw.body;
  const dto = (await pipe.transform(body, { type: 'body', metatype: SubmitEvidenceDto, data: undefined })) as SubmitEvidenceDto;
  const uploaded = raw.files ?? [];
  if (uploaded.length > MAX_EVIDENCE_FILES) throw filesProblem(400, 'Invalid request', `At most ${MAX_EVIDENCE_FILES} files may be sent.`);

  const files: InspectedEvidenceFile[] = [];
  const refused: string[] = [];
  for (const file of uploaded) {
    const originalName = sanitiseFileName(file.originalname);
    if (file.buffer.length === 0) throw filesProblem(400, 'Invalid request', `"${originalName}" is empty.`);
    const mediaType = await detectEvidenceMediaType(file.buffer, originalName);
    if (!mediaType) refused.push(originalName);
    else files.push({ originalName, mediaType, sizeBytes: file.buffer.length, sha256: sha256Of(file.buffer), bytes: file.buffer });
  }
  if (refused.length > 0) {
    throw new ProblemException(
      415,
      'Unsupported Media Type',
      `Accepted files are ${ACCEPTED_TYPES_TEXT}; the type is read from the content, not the name.`,
      refused.map((name) => ({ field: 'files', message: `"${name}" is not ${ACCEPTED_TYPES_TEXT}` })),
    );
  }
  return { dto, files };
}

export function filesProblem(status: number, title: string, message: string): ProblemException {
  return new ProblemException(status, title, message, [{ field: 'files', message }]);
}

/** A multipart form's text fields as the JSON body would carry them. */
function fromMultipartFields(fields: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = typeof fields === 'object' && fields !== null ? { ...(fields as Record<string, unknown>) } : {};
  if ('links' in body) {
    const links = linksFrom(body.links);
    if (links === undefined) delete body.links;
    else body.links = links;
  }
  if ('isPublic' in body) {
    const value = body.isPublic;
    if (value === '') delete body.isPublic;
    else if (value === 'true') body.isPublic = true;
    else if (value === 'false') body.isPublic = false;
  }
  return body;
}

function linksFrom(value: unknown): unknown {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return value; // refused by validation: not an array of URLs
      }
    }
    return [value];
  }
  if (Array.isArray(value)) return value.filter((link) => link !== '');
  return value;
}
