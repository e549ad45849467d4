import Foundation

/// Makes an imported card storable without losing anything (`ImportSalvage`, the rule every importer shares): what
/// `ContactRules` would refuse moves to the notes, as the reader does with properties that have no field, and is
/// reported the same way. Only a card with no name at all cannot be imported, and the reader already leaves those out.
public enum VCardImportRules {
    public static func importable(_ card: VCardCard) -> (contact: Contact, notices: [VCardNotice]) {
        let (contact, kept) = ImportSalvage.storable(card.contact)
        return (contact, card.notices + kept.map { .keptInNotes(property: $0.property, value: $0.value) })
    }

}
