import type { MetadataValue } from "../metadata/metadata-value";
import type { ParsedSubmission } from "./parse-submission";
import { isRecord, type MetadataRecord, SubmissionBuilder, textOf } from "./submission-builder";

/** `{ event_type: "form_response", form_response: { answers: [...] } }` (https://www.typeform.com/developers/webhooks/example-payload/). */
export function isTypeform(body: MetadataValue): body is MetadataRecord {
  return isRecord(body) && isRecord(body.form_response) && Array.isArray(body.form_response.answers);
}

/** The answer's value: each answer carries it under the key named by its `type`. Choices become their labels. */
function answerValue(answer: MetadataRecord): MetadataValue | undefined {
  const type = textOf(answer.type);
  if (type === "choice") {
    const choice = answer.choice;
    return isRecord(choice) ? (textOf(choice.label) ?? textOf(choice.other)) : undefined;
  }
  if (type === "choices") {
    const choices = answer.choices;
    if (!isRecord(choices)) {
      return undefined;
    }
    const labels = Array.isArray(choices.labels) ? choices.labels : [];
    const other = textOf(choices.other);
    return other === undefined ? labels : [...labels, other];
  }
  return type === undefined ? undefined : answer[type];
}

export function parseTypeform(body: MetadataRecord): ParsedSubmission {
  const response = body.form_response as MetadataRecord;
  const definition = isRecord(response.definition) ? response.definition : {};
  const fields = (Array.isArray(definition.fields) ? definition.fields : []).filter(isRecord);
  const position = (field: MetadataValue | undefined): number => {
    if (!isRecord(field)) {
      return fields.length;
    }
    const index = fields.findIndex(
      (f) =>
        (field.id !== undefined && f.id === field.id) || (field.ref !== undefined && f.ref === field.ref),
    );
    return index === -1 ? fields.length : index;
  };
  // Answers come in the order the respondent reached them; the definition gives the form's order.
  const answers = (response.answers as MetadataValue[])
    .filter(isRecord)
    .map((answer) => ({ answer, at: position(answer.field) }))
    .sort((a, b) => a.at - b.at);

  const builder = new SubmissionBuilder("typeform");
  for (const { answer, at } of answers) {
    const field = isRecord(answer.field) ? answer.field : {};
    const ref = textOf(field.ref);
    const type = textOf(answer.type);
    builder.add({
      label: textOf(fields[at]?.title),
      fallbackLabel: ref ?? textOf(field.id),
      value: answerValue(answer),
      kind: type === "email" ? "email" : type === "phone_number" ? "phone" : undefined,
      names: [ref],
    });
  }
  // Hidden fields are what the form owner passed in the link (the contact id, utm_source, …).
  const hidden = isRecord(response.hidden) ? response.hidden : {};
  for (const [name, value] of Object.entries(hidden)) {
    builder.add({ label: name, value });
  }
  // The response token is the same in every retry of one submission; event_id names one delivery.
  // A partial response shares its token with the completed one, which must not be mistaken for a retry.
  const token = textOf(response.token);
  const partial = textOf(body.event_type) === "form_response_partial";
  return builder.build(token === undefined ? textOf(body.event_id) : partial ? `${token}:partial` : token);
}
