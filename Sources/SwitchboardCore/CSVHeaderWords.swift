/// Reading a column's field from the words of its header, for the headers no template lists word for word: PBX
/// directory sources (`fn`, `ln`, `num`, `name`, `phone`), ERP and CRM exports ("Customer Name", "Phone 1",
/// "Kundennummer"), address books in other languages and spellings ("Telefon (Arbeit)", "Work Email", "Teléfono
/// móvil", "Indirizzo posta elettronica (ab.)"). A header is folded (case and accents) and split into words; the kind
/// of value comes from one word (phone, e-mail, street…), its type from another (work, home, other).
///
/// `nil` means the words say nothing: the column is then read from its values (`CSVColumnInference`). `.ignore` means
/// they say the column is not a contact's (an id, a date of creation, a web page): it is not guessed from its values.
public enum CSVHeaderWords {
    /// The field the header `name` names, given the column's first values (a "Title" column holding "Mr", "Dr" is a
    /// name prefix, holding "Sales manager" a job title).
    public static func field(for name: String, samples: [String] = []) -> CSVField? {
        let folded = SearchFolding.fold(name)
        let words = folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard !words.isEmpty else { return nil }
        let compact = words.joined()
        let phrase = words.joined(separator: " ")
        if let exact = exact[phrase] ?? exact[compact] { return exact }
        func has(_ candidates: Set<String>) -> Bool { words.contains { candidates.contains($0) } }
        func contains(_ parts: [String]) -> Bool { parts.contains { compact.contains($0) } }

        if has(notAContact)
            || contains(["kundennummer", "customernumber", "numeroclient", "createdat", "modifiedat", "mailtype"])
        {
            return .ignore
        }
        let place: AddressType = has(homeWords) ? .private : .business
        // A contact has a business and a home address; Outlook's "Other Street", "Autre ville"… have no place.
        let otherPlace = has(["other", "autre", "weitere", "andere", "otro", "altro", "overig"])
        if contains(["email", "courriel", "correo", "postaelettronica", "emailadres", "messagerie"]) || has(["mail"]) {
            return .email(has(homeWords) || (has(otherWords) && !has(businessWords)) ? .private : .business)
        }
        if contains(["speeddial", "kurzwahl", "numeroabrege", "shortcode"]) { return .shortCode }
        if contains(["fax", "telecopie"]) { return .phone(has(homeWords) ? .privateFax : .businessFax) }
        if has(mobileWords) || contains(["mobiltelefon", "mobilephone", "cellphone", "handynummer", "mobilnummer"]) {
            return .phone(.mobile)
        }
        if has(["pager", "bip", "beeper", "car", "voiture", "autotelefon", "callback", "radio", "tty", "tdd"])
            && has(phoneWords)
        {
            return .phone(.other)
        }
        if has(phoneWords) || contains(["telefon", "telephone", "telefoon", "rufnummer", "durchwahl"]) {
            return .phone(has(homeWords) ? .private : has(otherWords) && !has(businessWords) ? .other : .business)
        }
        if has(["pager", "beeper"]) { return .phone(.other) }
        if contains(["postleitzahl", "postalcode", "postcode", "zipcode", "codepostal", "codigopostal"])
            || has(["zip", "plz", "cap", "cp", "postal", "npa"])
        {
            return otherPlace ? .ignore : .address(place, .postalCode)
        }
        if has([
            "city", "town", "ort", "stadt", "ville", "ciudad", "citta", "plaats", "localite", "locality", "localidad",
        ]) {
            return otherPlace ? .ignore : .address(place, .city)
        }
        if has(["country", "land", "pays", "pais", "paese", "nation", "staat"]) {
            return otherPlace ? .ignore : .address(place, .country)
        }
        if has(["state", "region", "bundesland", "province", "provincia", "provincie", "canton", "kanton"]) {
            return otherPlace ? .ignore : .address(place, .region)
        }
        if has(["street", "strasse", "rue", "calle", "via", "straat", "address", "adresse", "direccion", "indirizzo"])
            || contains(["strasse", "adres"])
        {
            // A third address line has no field of its own; "2" is the second line.
            if otherPlace { return .ignore }
            switch words.last.flatMap(Int.init) {
            case 2: return .address(place, .street2)
            case .some: return .ignore
            case nil: break
            }
            return .address(place, .street)
        }
        if has([
            "birthday", "birth", "birthdate", "geburtstag", "geburtsdatum", "anniversaire", "naissance", "cumpleanos",
        ])
            || has(["nacimiento", "compleanno", "verjaardag", "dob", "geboortedatum"])
        {
            return .birthday
        }
        if has(["note", "notes", "notiz", "notizen", "remark", "remarks", "remarque", "remarques", "comment"])
            || has([
                "comments", "bemerkung", "bemerkungen", "notas", "notities", "observaciones", "memo", "commentaire",
            ])
        {
            return .notes
        }
        if has(["suffix", "namenszusatz", "suffixe", "sufijo", "suffisso", "achtervoegsel"]) { return .suffix }
        if has(["middle", "additional", "weitere", "deuxieme", "segundo", "secondo", "middelste", "tweede"]) {
            return .middleName
        }
        if has(["first", "given", "vorname", "prenom", "voornaam", "forename", "imie", "fn"])
            || (has(["nombre", "nome"]) && words.count == 1)
        {
            return .firstName
        }
        if has(["last", "surname", "family", "famille", "nachname", "familienname", "apellido", "apellidos", "cognome"])
            || has(["achternaam", "nazwisko", "ln", "sn"])
        {
            return .lastName
        }
        if has(["company", "organization", "organisation", "org", "firma", "firmenname", "societe", "entreprise"])
            || has(["empresa", "compania", "organizacion", "societa", "azienda", "bedrijf", "unternehmen", "customer"])
            || has(["client", "kunde", "account", "raison", "organisatie"])
        {
            return .company
        }
        if has(["department", "abteilung", "service", "departamento", "reparto", "afdeling", "division", "ou"]) {
            return .department
        }
        if has(["job", "position", "function", "fonction", "poste", "role", "cargo", "puesto", "posizione"])
            || has(["functie", "beruf", "occupation"])
        {
            return .jobTitle
        }
        if has(["salutation", "anrede", "civilite", "prefix", "tratamiento", "aanhef", "honorific"]) { return .title }
        if has(["title", "titre", "titel", "titolo", "titulo"]) {
            return samples.filter({ !$0.isEmpty }).allSatisfy(isHonorific) ? .title : .jobTitle
        }
        if has(["name", "nom", "contact", "contactname", "displayname", "ansprechpartner", "naam", "nombre", "nome"]) {
            return .displayName
        }
        return nil
    }

    /// Whole headers whose meaning no word rule gets right (a directory's short names, LDAP's).
    static let exact: [String: CSVField] = [
        "fn": .firstName, "ln": .lastName, "sn": .lastName, "cn": .displayName, "givenname": .firstName,
        "num": .phone(.business), "number": .phone(.business), "ext": .phone(.business),
        "extension": .phone(.business), "telephonenumber": .phone(.business), "o": .company, "ou": .department,
        "l": .address(.business, .city), "c": .address(.business, .country), "st": .address(.business, .region),
        "mail": .email(.business), "nom": .lastName, "name": .displayName, "full name": .displayName,
        "fullname": .displayName, "display name": .displayName, "nom complet": .displayName, "id": .ignore,
        // Japanese, Chinese and Korean spreadsheets: one word, no spaces.
        "姓": .lastName, "名": .firstName, "名前": .displayName, "氏名": .displayName, "姓名": .displayName,
        "会社": .company, "会社名": .company, "公司": .company, "公司名称": .company, "회사": .company, "회사명": .company,
        "電話": .phone(.business), "電話番号": .phone(.business), "电话": .phone(.business), "电话号码": .phone(.business),
        "전화": .phone(.business), "전화번호": .phone(.business), "携帯": .phone(.mobile), "携帯電話": .phone(.mobile),
        "手机": .phone(.mobile), "手機": .phone(.mobile), "휴대폰": .phone(.mobile), "이름": .displayName,
        "メール": .email(.business), "メールアドレス": .email(.business), "電子メール": .email(.business),
        "电子邮件": .email(.business), "邮箱": .email(.business), "이메일": .email(.business), "部署": .department,
        "部门": .department, "부서": .department, "役職": .jobTitle, "职位": .jobTitle, "직위": .jobTitle,
        "住所": .address(.business, .street), "地址": .address(.business, .street), "주소": .address(.business, .street),
        "郵便番号": .address(.business, .postalCode), "邮编": .address(.business, .postalCode),
        "備考": .notes, "メモ": .notes, "备注": .notes, "메모": .notes,
        // Russian.
        "имя": .firstName, "фамилия": .lastName, "отчество": .middleName, "фио": .displayName,
        "телефон": .phone(.business), "рабочии телефон": .phone(.business), "мобильныи": .phone(.mobile),
        "мобильныи телефон": .phone(.mobile), "организация": .company, "компания": .company, "должность": .jobTitle,
        "отдел": .department, "адрес": .address(.business, .street), "город": .address(.business, .city),
        "индекс": .address(.business, .postalCode), "страна": .address(.business, .country), "примечание": .notes,
        "заметки": .notes, "почта": .email(.business), "электронная почта": .email(.business),
        "email": .email(.business),
    ]

    /// "Number", "Nummer", "Numéro" alone name a phone only beside one of these (a VAT or an order number is not one).
    static let phoneWords: Set<String> = [
        "phone", "telephone", "tel", "telefon", "telefono", "telefoon", "telephon", "num", "rufnummer", "durchwahl",
        "extension", "ext", "direct", "dial", "landline", "festnetz", "fixe", "voice", "telefonnummer",
    ]
    static let mobileWords: Set<String> = [
        "mobile", "mobil", "cell", "cellular", "handy", "portable", "movil", "cellulare", "mobiel", "gsm", "natel",
        "cellphone", "mobiele",
    ]
    static let homeWords: Set<String> = [
        "home", "private", "privat", "personal", "personnel", "personnelle", "domicile", "maison", "casa", "particular",
        "residencia", "abitazione", "ab", "thuis", "prive", "huis", "huisadres", "privee", "perso", "wohnung",
    ]
    static let businessWords: Set<String> = [
        "work", "business", "office", "bureau", "travail", "pro", "professionnel", "geschaftlich", "arbeit", "dienst",
        "dienstlich", "trabajo", "lavoro", "ufficio", "uff", "werk", "kantoor", "company", "main", "primary",
    ]
    static let otherWords: Set<String> = [
        "other", "autre", "weitere", "weiteres", "andere", "anderes", "otro", "altro", "overig", "ander",
        "alternate", "secondary", "2", "3",
    ]
    /// Columns exports add that are not a contact's: ids, dates of change, web pages, categories.
    static let notAContact: Set<String> = [
        "id", "uid", "guid", "uuid", "created", "modified", "updated", "changed", "erstellt", "geandert", "cree",
        "modifie", "url", "website", "web", "homepage", "webseite", "webpage", "site", "gender", "geschlecht",
        "sexe", "category", "categories", "kategorie", "kategorien", "tags", "photo", "picture", "avatar",
        "connected", "messenger", "im", "skype", "twitter", "linkedin", "facebook", "password", "status", "owner",
        "yomi", "priority", "sensitivity", "initials", "initialen", "nickname", "spitzname", "surnom", "language",
        "timestamp", "version", "anniversary", "jahrestag", "type", "typ", "manager", "assistant", "spouse",
        "children", "referred", "government", "organizational", "keywords", "hobby", "mileage", "billing", "directory",
        "user", "free", "busy", "box", "location", "sprache", "langue", "display", "imaddress", "assistent",
        "assistentin", "vorgesetzten", "vorgesetzte", "kinder", "empfohlen", "benutzer", "prioritat", "responsable",
        "conjoint", "enfants", "recommande", "initiales", "utilisateur", "priorite", "identification", "mariage",
        "complet", "postfach", "phonetic", "formatted", "extended", "label", "labels", "furigana", "angezeigter",
        "tipo", "weergavenaam", "mostrar", "visualizzato", "description", "relation", "event", "custom", "group",
        "membership", "short", "maiden", "symbol", "vat", "order", "invoice", "iban",
    ]

    /// A name prefix as people write them (Mr, Mrs, Dr., Prof., M., Mme, Herr, Frau, Sr., Sra.).
    static func isHonorific(_ value: String) -> Bool {
        let folded = SearchFolding.fold(value).trimmingCharacters(in: .whitespaces)
        guard folded.count <= 12 else { return false }
        let words = folded.split(whereSeparator: { $0 == " " || $0 == "." })
        return !words.isEmpty && words.allSatisfy { honorifics.contains(String($0)) }
    }

    static let honorifics: Set<String> = [
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "m", "mme", "mlle", "me", "herr", "frau", "sr", "sra",
        "srta", "sig", "sig.ra", "dhr", "mevr", "ing", "dipl", "mag", "dott", "don", "dona", "pr", "rev",
    ]
}
