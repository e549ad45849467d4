import LeafKit

/// The rows of the contacts list as HTML, written here rather than by a Leaf loop: the list is the page people open
/// most, and Leaf's interpreter (a dictionary look-up, a conversion and an escape per value, 30 values a row) took half
/// of a 50-row page's time; this writes the same markup in a small fraction of it (figures: bench/README.md). The
/// template includes the result with `#unsafeHTML`; every value from a contact goes through `HTMLText.escape`.
enum ContactRowsHTML {
    /// The words every row repeats, translated once for the page.
    struct Labels {
        let view: String
        let edit: String
        let qrCode: String
        let softCall: String
    }

    static func render(_ rows: [ContactsListController.Row], labels: Labels) -> String {
        var html = ""
        html.reserveCapacity(rows.count * 2_600)
        let e = HTMLText.escape
        for row in rows {
            html += """
                <tr data-contact-row data-id="\(e(row.id))" data-name="\(e(row.displayName))" draggable="true">
                  <td class="select-cell"><input type="checkbox" name="ids[]" value="\(e(row.id))" aria-label="\(e(row.selectLabel))"\(row.editable ? "" : " data-readonly")></td>
                  <td><a href="\(e(row.url))" class="contact-name">\(e(row.displayName))</a>
                """
            if let jobTitle = row.jobTitle { html += "<div class=\"muted small\">\(e(jobTitle))</div>" }
            html += "</td>\n  <td>\(e(row.company ?? ""))</td>\n  <td>"
            if let number = row.number {
                html +=
                    "<span class=\"nowrap\">\(e(number))</span><div class=\"muted small\">\(e(row.numberType ?? ""))"
                if row.otherNumbers > 0 {
                    html +=
                        " <span class=\"badge badge-small\" title=\"\(e(row.otherNumbersLabel))\">+\(row.otherNumbers)</span>"
                }
                html += "</div>"
            }
            html += """
                </td>
                  <td class="break">\(e(row.email ?? ""))</td>
                  <td>\(e(row.city ?? ""))</td>
                  <td class="actions-cell"><div class="row-actions">
                    <a class="icon-button" href="\(e(row.url))" aria-label="\(e(row.viewLabel))" data-action="view">\(Icon.view)<span class="icon-label">\(e(labels.view))</span></a>

                """
            if let editURL = row.editURL {
                html += """
                        <a class="icon-button" href="\(e(editURL))" aria-label="\(e(row.editLabel))" data-action="edit">\(Icon.edit)<span class="icon-label">\(e(labels.edit))</span></a>

                    """
            }
            html += """
                    <a class="icon-button" href="\(e(row.url))#qr" aria-label="\(e(row.qrLabel))" data-action="qr" data-qr-src="\(e(row.qrURL))" data-qr-name="\(e(row.displayName))">\(Icon.qr)<span class="icon-label">\(e(labels.qrCode))</span></a>
                    <a class="icon-button" href="\(e(row.vCardURL))" aria-label="\(e(row.vCardLabel))" data-action="vcard">\(Icon.vCard)<span class="icon-label">vCard 2.1</span></a>

                """
            if let callPhone = row.callPhone {
                html += """
                        <button type="submit" class="icon-button icon-call" formaction="\(e(row.callAction))" formmethod="post" name="phone" value="\(callPhone)" aria-label="\(e(row.callLabel))" data-action="call">\(Icon.call)<span class="icon-label">\(e(labels.softCall))</span></button>

                    """
            }
            html += "  </div></td>\n</tr>\n"
        }
        return html
    }

    private enum Icon {
        static let view =
            #"<svg aria-hidden="true" viewBox="0 0 24 24"><path d="M1.5 12S5.5 5 12 5s10.5 7 10.5 7-4 7-10.5 7S1.5 12 1.5 12z"/><circle cx="12" cy="12" r="3"/></svg>"#
        static let edit =
            #"<svg aria-hidden="true" viewBox="0 0 24 24"><path d="M4 20h4L19 9l-4-4L4 16v4z"/><path d="M14 6l4 4"/></svg>"#
        static let qr =
            #"<svg aria-hidden="true" viewBox="0 0 24 24"><path d="M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4z"/><path d="M14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2"/></svg>"#
        static let vCard =
            #"<svg aria-hidden="true" viewBox="0 0 24 24"><path d="M12 4v11M7 10l5 5 5-5"/><path d="M4 19h16"/></svg>"#
        static let call =
            #"<svg aria-hidden="true" viewBox="0 0 24 24"><path d="M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z"/></svg>"#
    }
}

/// Text made safe inside HTML elements and quoted attributes, as Leaf makes it (LeafKit's `htmlEscaped`), without
/// rebuilding the text when there is nothing to escape (most names, all ids and links).
enum HTMLText {
    static func escape(_ text: String) -> String {
        let special = text.utf8.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }
        return special ? text.htmlEscaped() : text
    }
}
