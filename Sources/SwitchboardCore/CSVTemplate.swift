/// How the columns of one exporter's CSV file map onto a contact, by header name. Several names may map to the
/// same field (Outlook writes English, German or French headers); a name listed twice maps its first and second
/// occurrence in the file (French Outlook calls both the title and the job title "Titre").
public struct CSVTemplate: Sendable {
    public let id: String
    /// The exporter's name as people know it ("Outlook", "Google Contacts").
    public let name: String
    public let columns: [(header: String, field: CSVField)]
    /// Cells were neutralised against formulas on the way out (Switchboard's own format): undo it.
    public let undoesNeutralisation: Bool

    public init(id: String, name: String, columns: [(String, CSVField)], undoesNeutralisation: Bool = false) {
        self.id = id
        self.name = name
        self.columns = columns.map { (header: $0.0, field: $0.1) }
        self.undoesNeutralisation = undoesNeutralisation
    }

    /// The field of every column of `header` (`.ignore` for columns this template does not know).
    public func mapping(for header: [String]) -> CSVMapping {
        var fieldsByName: [String: [CSVField]] = [:]
        for column in columns { fieldsByName[Self.normalizedHeader(column.header), default: []].append(column.field) }
        var seen: [String: Int] = [:]
        let fields = header.map { cell -> CSVField in
            let name = Self.normalizedHeader(cell)
            let occurrence = seen[name, default: 0]
            seen[name] = occurrence + 1
            // A column the template does not list is read from its header's words (an exporter's newer column, a
            // column the user added): never guessed from its values, the template says what the file is.
            guard let fields = fieldsByName[name] else { return CSVHeaderWords.field(for: cell) ?? .ignore }
            return occurrence < fields.count ? fields[occurrence] : .ignore
        }
        return CSVMapping(fields: fields, undoesNeutralisation: undoesNeutralisation, dayFirst: Self.isDayFirst(header))
    }

    /// How many cells of `header` this template knows.
    public func score(_ header: [String]) -> Int {
        let known = Set(columns.map { Self.normalizedHeader($0.header) })
        return Set(header.map(Self.normalizedHeader)).intersection(known).count
    }

    /// Case, accents, surrounding blanks and runs of spaces do not matter in header names.
    static func normalizedHeader(_ text: String) -> String {
        SearchFolding.fold(text).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Whether the header is in a language that writes the day first ("Anniversaire", "Geburtstag"): "03/04/1980" is
    /// then the 3rd of April; otherwise (English headers) the 4th of March.
    public static func isDayFirst(_ header: [String]) -> Bool {
        header.contains { dayFirstHeaders.contains(normalizedHeader($0)) }
    }

    static let dayFirstHeaders: Set<String> = [
        "anniversaire", "geburtstag", "date de naissance", "cumpleanos", "compleanno", "verjaardag", "geburtsdatum",
    ]

    /// The template whose headers match most cells of `header`; `nil` when none matches two cells and half of
    /// them (or the only one of a one-column file): a file sharing "Email" and "Company" with Yahoo's is not Yahoo's.
    /// Ten known cells are enough whatever the width (Outlook's full export has 91 columns, 38 of them known).
    /// Switchboard's own format wins a tie.
    public static func suggest(for header: [String]) -> CSVTemplate? {
        let filled = header.filter { !$0.isEmpty }.count
        let needed = max(min(2, filled), (filled + 1) / 2)
        var best: (CSVTemplate, Int)?
        for template in builtIn {
            let score = template.score(header)
            if score >= max(needed, 1) || score >= 10, score > (best?.1 ?? 0) { best = (template, score) }
        }
        return best?.0
    }

    public static func builtIn(id: String) -> CSVTemplate? { builtIn.first { $0.id == id } }

    /// Whether `header` is Switchboard's own format marked as a legacy phone-book export (see `SwitchboardCSV`).
    public static func isPhoneBookV1(_ header: [String]) -> Bool {
        header.first.map(normalizedHeader) == SwitchboardCSV.phoneBookV1Marker
    }

    public static let builtIn: [CSVTemplate] = [
        SwitchboardCSV.template, outlook, googleCurrent, googleLegacy, thunderbird, yahoo, linkedIn, yealink, fanvil,
        grandstream, wazo,
    ]
}

extension CSVTemplate {
    private static func address(
        _ type: AddressType, street: [String], street2: [String] = [], city: [String], region: [String],
        postalCode: [String], country: [String]
    ) -> [(String, CSVField)] {
        street.map { ($0, .address(type, .street)) } + street2.map { ($0, .address(type, .street2)) }
            + city.map { ($0, .address(type, .city)) } + region.map { ($0, .address(type, .region)) }
            + postalCode.map { ($0, .address(type, .postalCode)) } + country.map { ($0, .address(type, .country)) }
    }

    /// Outlook's "Comma Separated Values" export, in English, German and French; Outlook.com's export (the same
    /// English names, more of them); Spanish, Italian and Dutch Outlook in `outlookMore`.
    static let outlook = CSVTemplate(
        id: "outlook", name: "Outlook",
        columns: [
            ("Title", .title), ("Anrede", .title), ("Titre", .title), ("Titre", .jobTitle),
            ("Primary Phone", .phone(.business)), ("Company Main Phone", .phone(.business)),
            ("Car Phone", .phone(.other)), ("Pager", .phone(.other)), ("Other Fax", .phone(.businessFax)),
            ("E-mail 3 Address", .email(.private)), ("Mobile Phone 2", .phone(.mobile)),
            ("Haupttelefon", .phone(.business)), ("Autotelefon", .phone(.other)),
            ("E-Mail 3: Adresse", .email(.private)),
            ("Téléphone principal", .phone(.business)), ("Adresse de messagerie 3", .email(.private)),
        ] + outlookMore + [
            ("First Name", .firstName), ("Vorname", .firstName), ("Prénom", .firstName),
            ("Middle Name", .middleName), ("Weitere Vornamen", .middleName), ("Deuxième prénom", .middleName),
            ("Suffix", .suffix), ("Namenszusatz", .suffix), ("Suffixe", .suffix),
            ("Last Name", .lastName), ("Nachname", .lastName), ("Nom", .lastName),
            ("Company", .company), ("Firma", .company), ("Société", .company),
            ("Department", .department), ("Abteilung", .department), ("Service", .department),
            ("Job Title", .jobTitle), ("Position", .jobTitle), ("Fonction", .jobTitle),
            ("Business Phone", .phone(.business)), ("Business Phone 2", .phone(.business)),
            ("Telefon geschäftlich", .phone(.business)), ("Telefon geschäftlich 2", .phone(.business)),
            ("Téléphone (bureau)", .phone(.business)), ("Téléphone 2 (bureau)", .phone(.business)),
            ("Home Phone", .phone(.private)), ("Home Phone 2", .phone(.private)),
            ("Telefon privat", .phone(.private)), ("Telefon privat 2", .phone(.private)),
            ("Téléphone (domicile)", .phone(.private)), ("Téléphone 2 (domicile)", .phone(.private)),
            ("Mobile Phone", .phone(.mobile)), ("Mobiltelefon", .phone(.mobile)), ("Tél. mobile", .phone(.mobile)),
            ("Business Fax", .phone(.businessFax)), ("Fax geschäftlich", .phone(.businessFax)),
            ("Télécopie (bureau)", .phone(.businessFax)),
            ("Home Fax", .phone(.privateFax)), ("Fax privat", .phone(.privateFax)),
            ("Télécopie (domicile)", .phone(.privateFax)),
            ("Other Phone", .phone(.other)), ("Weiteres Telefon", .phone(.other)), ("Autre téléphone", .phone(.other)),
            ("E-mail Address", .email(.business)), ("E-Mail-Adresse", .email(.business)),
            ("Adresse de messagerie", .email(.business)),
            ("E-mail 2 Address", .email(.private)), ("E-Mail 2: Adresse", .email(.private)),
            ("Adresse de messagerie 2", .email(.private)),
            ("Birthday", .birthday), ("Geburtstag", .birthday), ("Anniversaire", .birthday),
            ("Notes", .notes), ("Notizen", .notes),
        ]
            + address(
                .business, street: ["Business Street", "Straße geschäftlich", "Rue (bureau)"],
                street2: ["Business Street 2", "Straße geschäftlich 2", "Rue (bureau) 2"],
                city: ["Business City", "Ort geschäftlich", "Ville (bureau)"],
                region: ["Business State", "Region geschäftlich", "Dép/Région (bureau)"],
                postalCode: ["Business Postal Code", "Postleitzahl geschäftlich", "Code postal (bureau)"],
                country: ["Business Country/Region", "Land/Region geschäftlich", "Pays/Région (bureau)"])
            + address(
                .private, street: ["Home Street", "Straße privat", "Rue (domicile)"],
                street2: ["Home Street 2", "Straße privat 2", "Rue (domicile) 2"],
                city: ["Home City", "Ort privat", "Ville (domicile)"],
                region: ["Home State", "Bundesland/Kanton privat", "Dép/Région (domicile)"],
                postalCode: ["Home Postal Code", "Postleitzahl privat", "Code postal (domicile)"],
                country: ["Home Country/Region", "Land/Region privat", "Pays/Région (domicile)"]))

    /// Outlook in Spanish, Italian and Dutch.
    private static let outlookMore: [(String, CSVField)] =
        [
            ("Tratamiento", .title), ("Nombre", .firstName), ("Segundo nombre", .middleName), ("Apellidos", .lastName),
            ("Sufijo", .suffix), ("Suffisso", .suffix), ("Achtervoegsel", .suffix),
            ("Compañía", .company), ("Organización", .company), ("Departamento", .department), ("Puesto", .jobTitle),
            ("Teléfono del trabajo", .phone(.business)), ("Teléfono del trabajo 2", .phone(.business)),
            ("Teléfono particular", .phone(.private)), ("Teléfono particular 2", .phone(.private)),
            ("Teléfono móvil", .phone(.mobile)), ("Fax del trabajo", .phone(.businessFax)),
            ("Fax particular", .phone(.privateFax)), ("Otro teléfono", .phone(.other)),
            ("Dirección de correo electrónico", .email(.business)),
            ("Dirección de correo electrónico 2", .email(.private)), ("Cumpleaños", .birthday), ("Notas", .notes),
            ("Titolo", .title), ("Nome", .firstName), ("Secondo nome", .middleName), ("Cognome", .lastName),
            ("Società", .company), ("Reparto", .department), ("Posizione", .jobTitle),
            ("Ufficio", .phone(.business)), ("Telefono ufficio", .phone(.business)),
            ("Telefono ufficio 2", .phone(.business)), ("Abitazione", .phone(.private)),
            ("Telefono abitazione", .phone(.private)), ("Cellulare", .phone(.mobile)),
            ("Fax ufficio", .phone(.businessFax)), ("Fax abitazione", .phone(.privateFax)),
            ("Altro telefono", .phone(.other)), ("Indirizzo posta elettronica", .email(.business)),
            ("Indirizzo posta elettronica 2", .email(.private)), ("Compleanno", .birthday), ("Note", .notes),
            ("Aanhef", .title), ("Voornaam", .firstName), ("Middelste naam", .middleName), ("Achternaam", .lastName),
            ("Bedrijf", .company), ("Afdeling", .department), ("Functie", .jobTitle),
            ("Telefoon op werk", .phone(.business)), ("Telefoon op werk 2", .phone(.business)),
            ("Telefoon thuis", .phone(.private)), ("Telefoon thuis 2", .phone(.private)),
            ("Mobiele telefoon", .phone(.mobile)), ("Fax op werk", .phone(.businessFax)),
            ("Fax thuis", .phone(.privateFax)), ("Andere telefoon", .phone(.other)), ("E-mailadres", .email(.business)),
            ("E-mailadres 2", .email(.private)), ("Verjaardag", .birthday), ("Notities", .notes),
        ]
        + address(
            .business, street: ["Calle del trabajo", "Via (uff.)", "Werkadres, straat"],
            street2: ["Calle del trabajo 2", "Via (uff.) 2", "Werkadres, straat 2"],
            city: ["Ciudad de trabajo", "Città (uff.)", "Werkadres, plaats"],
            region: ["Provincia o estado de trabajo", "Provincia (uff.)", "Werkadres, provincie"],
            postalCode: ["Código postal del trabajo", "CAP (uff.)", "Werkadres, postcode"],
            country: ["País o región del trabajo", "Paese (uff.)", "Werkadres, land/regio"])
        + address(
            .private, street: ["Calle del domicilio", "Via (ab.)", "Huisadres, straat"],
            street2: ["Calle del domicilio 2", "Via (ab.) 2", "Huisadres, straat 2"],
            city: ["Ciudad de residencia", "Città (ab.)", "Huisadres, plaats"],
            region: ["Provincia o estado de residencia", "Provincia (ab.)", "Huisadres, provincie"],
            postalCode: ["Código postal de residencia", "CAP (ab.)", "Huisadres, postcode"],
            country: ["País o región de residencia", "Paese (ab.)", "Huisadres, land/regio"])

    /// Yahoo Mail's contacts export: short names ("First", "Work", "Comments"); its "Title" is the job title.
    static let yahoo = CSVTemplate(
        id: "yahoo", name: "Yahoo",
        columns: [
            ("First", .firstName), ("Middle", .middleName), ("Last", .lastName), ("Email", .email(.business)),
            ("Alternate Email 1", .email(.private)), ("Alternate Email 2", .email(.private)),
            ("Home", .phone(.private)), ("Work", .phone(.business)), ("Pager", .phone(.other)),
            ("Fax", .phone(.businessFax)), ("Mobile", .phone(.mobile)), ("Other", .phone(.other)),
            ("Title", .jobTitle), ("Company", .company), ("Birthday", .birthday), ("Comments", .notes),
        ]
            + address(
                .business, street: ["Work Address"], city: ["Work City"], region: ["Work State"],
                postalCode: ["Work ZIP"], country: ["Work Country"])
            + address(
                .private, street: ["Home Address"], city: ["Home City"], region: ["Home State"],
                postalCode: ["Home ZIP"], country: ["Home Country"]))

    /// LinkedIn's "Connections" export (after its few lines of notes, which the import skips).
    static let linkedIn = CSVTemplate(
        id: "linkedin", name: "LinkedIn",
        columns: [
            ("First Name", .firstName), ("Last Name", .lastName), ("Email Address", .email(.business)),
            ("Company", .company), ("Position", .jobTitle), ("URL", .ignore), ("Connected On", .ignore),
        ])

    private static func googleSlots(label: String) -> [(String, CSVField)] {
        (1...5).flatMap { slot -> [(String, CSVField)] in
            [
                ("Phone \(slot) - \(label)", .phoneLabel(slot)), ("Phone \(slot) - Value", .labelledPhone(slot)),
                ("E-mail \(slot) - \(label)", .emailLabel(slot)), ("E-mail \(slot) - Value", .labelledEmail(slot)),
                ("Address \(slot) - \(label)", .addressLabel(slot)),
                ("Address \(slot) - Street", .labelledAddress(slot, .street)),
                ("Address \(slot) - City", .labelledAddress(slot, .city)),
                ("Address \(slot) - Region", .labelledAddress(slot, .region)),
                ("Address \(slot) - Postal Code", .labelledAddress(slot, .postalCode)),
                ("Address \(slot) - Country", .labelledAddress(slot, .country)),
            ]
        }
    }

    /// contacts.google.com "Google CSV" since 2020: labels, "Organization Name".
    static let googleCurrent = CSVTemplate(
        id: "google", name: "Google Contacts",
        columns: [
            ("Name Prefix", .title), ("First Name", .firstName), ("Middle Name", .middleName), ("Name Suffix", .suffix),
            ("Last Name", .lastName), ("File As", .displayName), ("Organization Name", .company),
            ("Organization Title", .jobTitle), ("Organization Department", .department), ("Birthday", .birthday),
            ("Notes", .notes),
        ] + googleSlots(label: "Label"))

    /// The older Google export: "Given Name", "Family Name", types instead of labels, "Organization 1 - …".
    static let googleLegacy = CSVTemplate(
        id: "google-legacy", name: "Google Contacts (before 2020)",
        columns: [
            ("Name", .displayName), ("Name Prefix", .title), ("Given Name", .firstName),
            ("Additional Name", .middleName), ("Family Name", .lastName), ("Name Suffix", .suffix),
            ("Birthday", .birthday), ("Notes", .notes),
            ("Organization 1 - Name", .company), ("Organization 1 - Title", .jobTitle),
            ("Organization 1 - Department", .department),
        ] + googleSlots(label: "Type"))

    static let thunderbird = CSVTemplate(
        id: "thunderbird", name: "Thunderbird",
        columns: [
            ("First Name", .firstName), ("Last Name", .lastName), ("Display Name", .displayName),
            ("Primary Email", .email(.business)), ("Secondary Email", .email(.private)),
            ("Work Phone", .phone(.business)), ("Home Phone", .phone(.private)), ("Fax Number", .phone(.businessFax)),
            ("Pager Number", .phone(.other)), ("Mobile Number", .phone(.mobile)), ("Job Title", .jobTitle),
            ("Department", .department), ("Organization", .company), ("Birth Year", .birthYear),
            ("Birth Month", .birthMonth), ("Birth Day", .birthDay), ("Notes", .notes),
        ]
            + address(
                .private, street: ["Home Address"], street2: ["Home Address 2"], city: ["Home City"],
                region: ["Home State"], postalCode: ["Home ZipCode"], country: ["Home Country"])
            + address(
                .business, street: ["Work Address"], street2: ["Work Address 2"], city: ["Work City"],
                region: ["Work State"], postalCode: ["Work ZipCode"], country: ["Work Country"]))

    /// A Yealink phone's local directory export.
    static let yealink = CSVTemplate(
        id: "yealink", name: "Yealink",
        columns: [
            ("display_name", .displayName), ("office_number", .phone(.business)),
            ("mobile_number", .phone(.mobile)), ("other_number", .phone(.other)),
        ])

    static let fanvil = CSVTemplate(
        id: "fanvil", name: "Fanvil",
        columns: [
            ("name", .displayName), ("work", .phone(.business)), ("mobile", .phone(.mobile)),
            ("other", .phone(.other)),
        ])

    static let grandstream = CSVTemplate(
        id: "grandstream", name: "Grandstream",
        columns: [
            ("First Name", .firstName), ("Last Name", .lastName), ("Department", .department),
            ("Work", .phone(.business)), ("Home", .phone(.private)), ("Mobile", .phone(.mobile)),
            ("Other", .phone(.other)), ("Fax", .phone(.businessFax)),
        ])

    /// Wazo (XiVO) phonebook import, `|`-separated.
    static let wazo = CSVTemplate(
        id: "wazo", name: "Wazo",
        columns: [
            ("title", .title), ("displayname", .displayName), ("firstname", .firstName), ("lastname", .lastName),
            ("society", .company), ("email", .email(.business)), ("description", .notes),
            ("officenumber", .phone(.business)), ("mobilenumber", .phone(.mobile)), ("homenumber", .phone(.private)),
            ("faxnumber", .phone(.businessFax)), ("othernumber", .phone(.other)),
        ]
            + address(
                .business, street: ["officeaddress1"], street2: ["officeaddress2"], city: ["officecity"],
                region: ["officestate"], postalCode: ["officezipcode"], country: ["officecountry"])
            + address(
                .private, street: ["homeaddress1"], street2: ["homeaddress2"], city: ["homecity"],
                region: ["homestate"], postalCode: ["homezipcode"], country: ["homecountry"]))
}
