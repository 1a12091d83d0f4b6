import { compactKey } from "../fields/field-key";

/**
 * The built-in lexicon: names under which contact forms and CRM exports send the common contact
 * fields, so a key that is a known synonym of a tenant's field matches it without an LLM.
 *
 * Rules of the data (each checked by lexicon.test.ts):
 * - Names are written in compact form (`compactKey`: lower case, accents folded, no separators),
 *   so `Correo electrónico`, `correo_electronico` and `CorreoElectronico` are all `correoelectronico`.
 * - A name belongs to ONE concept (it may be listed under several languages of that concept). A word that means different fields in different languages or
 *   forms is left out: `nombre`/`nome`/`nom`/`name` alone (first name in Italian, surname in
 *   French, full name in Portuguese), `title` (job title or Mr/Ms), `estado` (state or status),
 *   `apelido` (surname in Portugal, nickname in Brazil), `site` (website, or a location), `url`
 *   (often the page a form was sent from), `role`/`ruolo` (job or permission), `plantilla` (staff,
 *   or a WhatsApp message template).
 * - Only the whole key is looked up: `email_verified`, `first_seen` and `company_size` are not in
 *   the lexicon, so they never reach `email`, `first_name` or `company`.
 * - Tenant-specific fields (lead source, newsletter opt-in, lead score, plan) are not here: what
 *   they mean differs from one tenant to the next.
 *
 * `broader`: mobile and WhatsApp numbers are their own concepts, narrower than phone. A tenant with
 * a `phone` field and no mobile field gets `Mobile` and `WhatsApp` in `phone`; a tenant with both
 * `phone` and `mobile` keeps them apart (a `Cell` lands in `mobile`, a `Telephone` in `phone`). As
 * one concept, `Mobile` would be ambiguous, and so unmatched, for every tenant that has both.
 */
export type ConceptId =
  | "email"
  | "phone"
  | "mobile"
  | "whatsapp"
  | "first_name"
  | "last_name"
  | "full_name"
  | "salutation"
  | "company"
  | "job_title"
  | "department"
  | "industry"
  | "employee_count"
  | "annual_revenue"
  | "website"
  | "linkedin"
  | "street_address"
  | "city"
  | "region"
  | "postal_code"
  | "country"
  | "date_of_birth"
  | "gender"
  | "language"
  | "notes";

export const LEXICON_LANGUAGES = ["en", "es", "pt", "fr", "de", "it"] as const;
export type LexiconLanguage = (typeof LEXICON_LANGUAGES)[number];

interface Concept {
  /** A more general concept to fall back on when the tenant has no field of this one. */
  broader?: ConceptId;
  /** Compact names per language, separated by spaces. */
  names: Partial<Record<LexiconLanguage, string>>;
}

export const LEXICON: Readonly<Record<ConceptId, Concept>> = {
  email: {
    names: {
      en: "email emailaddress mail mailaddress youremail youremailaddress workemail businessemail primaryemail contactemail emailid",
      es: "correo correoelectronico direcciondecorreo direcciondecorreoelectronico direcciondeemail tucorreo tuemail",
      pt: "enderecodeemail enderecoemail correioeletronico correioelectronico seuemail",
      fr: "courriel adressecourriel adresseemail adressemail adresseelectronique adressedecourriel votreemail votreadresseemail",
      de: "emailadresse mailadresse ihreemail ihreemailadresse",
      it: "indirizzoemail indirizzomail postaelettronica indirizzodipostaelettronica latuaemail",
    },
  },
  phone: {
    names: {
      en: "phone phonenumber phoneno telephone telephonenumber tel telno contactnumber contactphone workphone businessphone officephone homephone landline yourphone yourphonenumber",
      es: "telefono numerodetelefono numerotelefono tlf tfno telefonofijo telefonodecontacto tutelefono",
      pt: "telefone numerodetelefone numerotelefone fone telefonefixo telefonedecontato seutelefone",
      fr: "telephone numerodetelephone tel numtel telfixe telephonefixe votretelephone",
      de: "telefon telefonnummer rufnummer festnetz festnetznummer telnr",
      it: "telefono numeroditelefono numerotelefono telefonofisso recapitotelefonico",
    },
  },
  mobile: {
    broader: "phone",
    names: {
      en: "mobile mobilephone mobilenumber mobileno mobilephonenumber cell cellphone cellnumber cellphonenumber cellular",
      es: "movil telefonomovil numeromovil numerodemovil celular numerodecelular telefonocelular cel",
      pt: "celular numerodecelular telemovel numerodetelemovel telefonecelular",
      fr: "mobile portable telephoneportable numerodeportable telmobile numerodemobile",
      de: "handy handynummer mobiltelefon mobilnummer mobilfunknummer mobiltelefonnummer",
      it: "cellulare numerodicellulare telefonocellulare numerocellulare",
    },
  },
  whatsapp: {
    broader: "mobile",
    names: {
      en: "whatsapp whatsappnumber whatsappno",
      es: "whatsapp numerodewhatsapp",
      pt: "whatsapp numerowhatsapp numerodewhatsapp numerodowhatsapp",
      fr: "whatsapp numerowhatsapp",
      de: "whatsapp whatsappnummer",
      it: "whatsapp numerodiwhatsapp numerowhatsapp",
    },
  },
  first_name: {
    names: {
      en: "firstname givenname forename fname yourfirstname",
      es: "nombredepila primernombre",
      pt: "primeironome prenome",
      fr: "prenom votreprenom",
      de: "vorname rufname ihrvorname",
      it: "nomeproprio nomedibattesimo primonome",
    },
  },
  last_name: {
    names: {
      en: "lastname surname familyname lname yourlastname",
      es: "apellido apellidos primerapellido tuapellido",
      pt: "sobrenome ultimonome nomedefamilia",
      fr: "nomdefamille",
      de: "nachname familienname zuname ihrnachname",
      it: "cognome",
    },
  },
  full_name: {
    names: {
      en: "fullname name yourname yourfullname contactname completename",
      es: "nombrecompleto nombreyapellidos nombreyapellido tunombrecompleto",
      pt: "nomecompleto seunomecompleto nomeesobrenome",
      fr: "nomcomplet prenometnom nometprenom",
      de: "vollstandigername vollername vorundnachname",
      it: "nomecompleto nomeecognome",
    },
  },
  salutation: {
    names: {
      en: "salutation",
      es: "tratamiento",
      pt: "tratamento",
      fr: "civilite",
      de: "anrede",
      it: "appellativo",
    },
  },
  company: {
    names: {
      en: "company companyname organization organisation organizationname organisationname employer businessname yourcompany",
      es: "empresa nombredelaempresa nombreempresa nombredeempresa compania organizacion razonsocial tuempresa",
      pt: "empresa nomedaempresa nomeempresa companhia organizacao razaosocial suaempresa",
      fr: "entreprise societe nomdelentreprise nomdelasociete organisation raisonsociale employeur votreentreprise",
      de: "firma firmenname unternehmen unternehmensname organisation arbeitgeber",
      it: "azienda nomeazienda nomedellazienda ragionesociale ditta organizzazione datoredilavoro",
    },
  },
  job_title: {
    names: {
      en: "jobtitle position jobposition occupation designation jobrole yourjobtitle",
      es: "cargo puesto puestodetrabajo ocupacion profesion",
      pt: "cargo funcao profissao ocupacao",
      fr: "poste fonction intituledeposte intituleduposte titreduposte profession metier",
      de: "position berufsbezeichnung jobtitel beruf funktion stellenbezeichnung",
      it: "posizione qualifica mansione professione ruoloaziendale",
    },
  },
  department: {
    names: {
      en: "department",
      es: "departamento",
      de: "abteilung",
      it: "reparto dipartimento",
    },
  },
  industry: {
    names: {
      en: "industry sector",
      es: "industria sector",
      pt: "industria setor segmento",
      fr: "secteur secteurdactivite industrie",
      de: "branche industrie",
      it: "settore industria",
    },
  },
  employee_count: {
    names: {
      en: "employees numberofemployees noofemployees employeecount headcount",
      es: "empleados numerodeempleados numeroempleados nodeempleados",
      pt: "funcionarios numerodefuncionarios",
      fr: "effectif nombredemployes nombredesalaries",
      de: "mitarbeiter mitarbeiterzahl mitarbeiteranzahl anzahlmitarbeiter anzahldermitarbeiter",
      it: "dipendenti numerodipendenti numerodidipendenti",
    },
  },
  annual_revenue: {
    names: {
      en: "revenue annualrevenue yearlyrevenue turnover",
      es: "facturacion facturacionanual ingresos ingresosanuales",
      pt: "faturamento faturamentoanual receitaanual",
      fr: "chiffredaffaires revenuannuel",
      de: "umsatz jahresumsatz",
      it: "fatturato fatturatoannuo",
    },
  },
  website: {
    names: {
      en: "website websiteurl web webpage homepage companywebsite yourwebsite websiteaddress",
      es: "sitioweb paginaweb web",
      pt: "sitioweb paginaweb sitedaempresa enderecodosite",
      fr: "siteweb siteinternet pageweb",
      de: "website webseite homepage internetseite internetadresse webadresse",
      it: "sitoweb sitointernet",
    },
  },
  linkedin: {
    names: {
      en: "linkedin linkedinurl linkedinprofile linkedinprofileurl",
      es: "perfildelinkedin perfillinkedin",
      fr: "profillinkedin",
    },
  },
  street_address: {
    names: {
      en: "address streetaddress street addressline1 address1 mailingstreet homeaddress postaladdress",
      es: "direccion calle domicilio direccionpostal calleynumero",
      pt: "endereco rua logradouro morada",
      fr: "adresse rue adressepostale",
      de: "strasse straße anschrift strasseundhausnummer straßeundhausnummer strassehausnummer straßehausnummer",
      it: "indirizzo indirizzopostale",
    },
  },
  city: {
    names: {
      en: "city town mailingcity",
      es: "ciudad localidad municipio",
      pt: "cidade localidade",
      fr: "ville localite",
      de: "stadt ort wohnort",
      it: "citta comune localita",
    },
  },
  region: {
    names: {
      en: "state region province stateprovince stateregion stateorprovince mailingstate mailingstateprovince",
      es: "provincia estadoprovincia comunidadautonoma",
      pt: "regiao provincia",
      fr: "region province",
      de: "bundesland region provinz kanton",
      it: "regione provincia",
    },
  },
  postal_code: {
    names: {
      en: "postalcode postcode zip zipcode zippostalcode postalzipcode mailingzip mailingpostalcode mailingzippostalcode",
      es: "codigopostal codpostal cp",
      pt: "cep codigopostal",
      fr: "codepostal cp",
      de: "postleitzahl plz",
      it: "cap codicepostale codiceavviamentopostale",
    },
  },
  country: {
    names: {
      en: "country countryregion mailingcountry countryofresidence",
      es: "pais paisderesidencia",
      pt: "pais paisderesidencia",
      fr: "pays paysderesidence",
      de: "land wohnsitzland",
      it: "paese nazione",
    },
  },
  date_of_birth: {
    names: {
      en: "dateofbirth dob birthdate birthday",
      es: "fechadenacimiento fechanacimiento cumpleanos",
      pt: "datadenascimento datanascimento",
      fr: "datedenaissance anniversaire",
      de: "geburtsdatum geburtstag",
      it: "datadinascita compleanno",
    },
  },
  gender: {
    names: {
      en: "gender sex",
      es: "genero sexo",
      pt: "genero sexo",
      fr: "sexe",
      de: "geschlecht",
      it: "sesso genere",
    },
  },
  language: {
    names: {
      en: "language preferredlanguage",
      es: "idioma idiomapreferido lengua",
      pt: "idioma lingua",
      fr: "langue languepreferee",
      de: "sprache bevorzugtesprache",
      it: "lingua linguapreferita",
    },
  },
  notes: {
    names: {
      en: "notes note comments comment remarks observations additionalinformation additionalinfo",
      es: "notas nota comentarios comentario observaciones",
      pt: "notas observacoes comentarios anotacoes obs",
      fr: "notes remarques commentaires commentaire observations",
      de: "notizen bemerkungen anmerkungen kommentar kommentare",
      it: "note commenti osservazioni annotazioni",
    },
  },
};

let byName: Map<string, ConceptId> | undefined;

/** Compact name -> concept, built on first use (a few hundred entries). */
function lexiconIndex(): ReadonlyMap<string, ConceptId> {
  if (!byName) {
    byName = new Map();
    for (const [concept, { names }] of Object.entries(LEXICON) as [ConceptId, Concept][]) {
      for (const list of Object.values(names)) {
        for (const name of list.split(" ")) {
          // First concept wins; lexicon.test.ts fails if a name is listed under two.
          if (!byName.has(name)) {
            byName.set(name, concept);
          }
        }
      }
    }
  }
  return byName;
}

/**
 * The contact-field concept a key names as a WHOLE (`Correo electrónico` -> `email`,
 * `email_verified` -> undefined).
 */
export function conceptOf(key: string): ConceptId | undefined {
  return lexiconIndex().get(compactKey(key));
}

/** `conceptOf` for a key already in compact form (the match index has it at hand). */
export function conceptOfCompact(compact: string): ConceptId | undefined {
  return lexiconIndex().get(compact);
}

/** The concept to fall back on when a tenant has no field of `concept` (mobile -> phone). */
export function broaderConcept(concept: ConceptId): ConceptId | undefined {
  return LEXICON[concept].broader;
}

/** Every name of the lexicon with its concept and language, for tests and documentation. */
export function lexiconEntries(): { name: string; concept: ConceptId; language: LexiconLanguage }[] {
  return (Object.entries(LEXICON) as [ConceptId, Concept][]).flatMap(([concept, { names }]) =>
    (Object.entries(names) as [LexiconLanguage, string][]).flatMap(([language, list]) =>
      list.split(" ").map((name) => ({ name, concept, language })),
    ),
  );
}
