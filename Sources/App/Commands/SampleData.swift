import Foundation
import SwitchboardCore

/// Realistic, reproducible address-book data: French, German and English names with their
/// accents, companies, cities, 1–4 numbers each. For development and benchmarks only.
struct SampleData {
    private var random: SplitMix64

    init(seed: UInt64 = 42) { random = SplitMix64(seed: seed) }

    static let firstNames = [
        "Émile", "Élodie", "Hélène", "François", "Zoé", "Anaïs", "Jérôme", "Gaëlle", "Noël", "Chloé", "Loïc",
        "Amélie", "Benoît", "Cécile", "Maël", "Inès", "Léa", "Hugo", "Camille", "Théo", "Jürgen", "Björn",
        "Käthe", "Günther", "Jörg", "Sören", "Lena", "Maximilian", "Anneliese", "Grete", "Uwe", "Jonas",
        "Oliver", "Emma", "Harry", "Charlotte", "George", "Amelia", "Jack", "Olivia", "Thomas", "Sophie",
        "William", "Grace", "Zoë", "Renée", "Ægir", "Åsa",
    ]
    static let lastNames = [
        "Dupré", "Lefèvre", "Moreau", "Girard", "Bérenger", "Châtelet", "Noël", "Faÿ", "Lemaître", "Dubois",
        "Rousseau", "Fontaine", "Mercier", "Garnier", "Lévêque", "Müller", "Schäfer", "Weiß", "Köhler",
        "Groß", "Hölzl", "Bäcker", "Schröder", "Krüger", "Straße", "Vogt", "Smith", "Jones", "Taylor", "Brown",
        "Williams", "Wilson", "Johnson", "Davies", "O'Brien", "McDonald", "Evans", "Thomas", "Roberts",
        "Walker", "Wright", "Thompson", "Œhmichen", "Ångström", "d'Arcy",
    ]
    static let companies = [
        "Boulangerie Dupré", "Müller & Söhne GmbH", "Acme Ltd", "Société Générale des Eaux", "Bäckerei Groß",
        "Thompson Plumbing", "Électricité Moreau", "Garage Lefèvre", "Krüger Logistik AG", "Brown & Co",
        "Café de la Gare", "Hôtel du Lac", "Stadtwerke Köln", "Northern Rail", "Pharmacie Centrale",
    ]
    static let cities = [
        ("Paris", "75001", "FR"), ("Lyon", "69002", "FR"), ("Besançon", "25000", "FR"), ("Orléans", "45000", "FR"),
        ("Saint-Étienne", "42000", "FR"), ("München", "80331", "DE"), ("Köln", "50667", "DE"),
        ("Düsseldorf", "40213", "DE"), ("Göttingen", "37073", "DE"), ("London", "EC1A 1BB", "GB"),
        ("Manchester", "M1 1AE", "GB"), ("Edinburgh", "EH1 1YZ", "GB"),
    ]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

    mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(random.next() % 10)) })
    }

    mutating func phoneNumber(country: String) -> String {
        switch country {
        case "FR": "+33 \(pick(["1", "4", "6", "7"])) \(digits(2)) \(digits(2)) \(digits(2)) \(digits(2))"
        case "DE": "+49 \(pick(["30", "89", "221", "211", "151"])) \(digits(7))"
        default: "+44 \(pick(["20", "161", "131", "7700"])) \(digits(4)) \(digits(4))"
        }
    }

    mutating func contact() -> Contact {
        let first = pick(Self.firstNames)
        let last = pick(Self.lastNames)
        let (city, postalCode, country) = pick(Self.cities)
        let isCompany = random.next() % 10 == 0
        let types: [PhoneType] = [.business, .mobile, .private, .businessFax]
        let phones = (0..<(1 + Int(random.next() % 4))).map { index in
            PhoneEntry(type: types[index], number: phoneNumber(country: country), preferred: index == 0)
        }
        let mail = SearchFolding.fold("\(first).\(last)").filter { $0.isLetter || $0 == "." }
        return Contact(
            firstName: isCompany ? nil : first, lastName: isCompany ? nil : last,
            company: isCompany || random.next() % 3 == 0 ? pick(Self.companies) : nil,
            jobTitle: random.next() % 4 == 0 ? pick(["Sales", "Comptable", "Geschäftsführer", "Engineer"]) : nil,
            phones: phones, emails: [EmailEntry(type: .business, address: "\(mail)@example.com")],
            addresses: [PostalAddress(type: .business, postalCode: postalCode, city: city, country: country)])
    }

    /// How many of `groupCount` groups a contact joins: mostly one, some two or three, a few none.
    mutating func memberships(groupCount: Int) -> [Int] {
        let count = [0, 1, 1, 1, 1, 1, 2, 2, 3][Int(random.next() % 9)]
        return Array(Set((0..<count).map { _ in Int(random.next() % UInt64(groupCount)) }))
    }
}
