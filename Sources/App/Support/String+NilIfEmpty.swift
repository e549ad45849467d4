extension String {
    /// `nil` for the empty string, so that optional chains drop empty values.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
