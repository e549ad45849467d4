import Foundation

/// The modules of a QR code, row by row, `true` for dark. Encoding belongs to libqrencode; drawing is here.
public struct QRMatrix: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    public let modules: [Bool]

    public init(size: Int, modules: [Bool]) {
        precondition(modules.count == size * size, "a QR matrix is square")
        self.size = size
        self.modules = modules
    }

    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Readers need a light margin of four modules around the code (ISO/IEC 18004, "quiet zone").
    public static let quietZone = 4

    /// Black on white whatever the page's theme: `fill` attributes only, no style (the CSP allows no inline style).
    /// Each horizontal run of dark modules is one rectangle of the single path.
    public func svg(pixelsPerModule: Int = 8) -> String {
        let side = size + 2 * Self.quietZone
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else {
                    x += 1
                    continue
                }
                let start = x
                while x < size, self[x, y] { x += 1 }
                path += "M\(start + Self.quietZone) \(y + Self.quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        let pixels = side * pixelsPerModule
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(pixels)" \
            height="\(pixels)" shape-rendering="crispEdges"><rect width="\(side)" height="\(side)" fill="#ffffff"/>\
            <path fill="#000000" d="\(path)"/></svg>

            """
    }

    /// A black-and-white PNG (1 bit per pixel), `pixelsPerModule` pixels a module, with the quiet zone.
    public func png(pixelsPerModule: Int = 8) -> Data {
        let side = (size + 2 * Self.quietZone) * pixelsPerModule
        let rowBytes = (side + 7) / 8
        var row = [UInt8](repeating: 0, count: rowBytes)
        var rows: [UInt8] = []
        rows.reserveCapacity((rowBytes + 1) * side)
        for pixelY in 0..<side {
            if pixelY % pixelsPerModule == 0 {
                let y = pixelY / pixelsPerModule - Self.quietZone
                for index in row.indices { row[index] = 0 }
                for pixelX in 0..<side {
                    let x = pixelX / pixelsPerModule - Self.quietZone
                    let dark = (0..<size).contains(x) && (0..<size).contains(y) && self[x, y]
                    // Gray level 1 is white: set the bit of every light pixel.
                    if !dark { row[pixelX / 8] |= 0x80 >> UInt8(pixelX % 8) }
                }
            }
            rows.append(0)  // filter: none
            rows += row
        }
        return PNGWriter.grayscale(width: side, height: side, bitDepth: 1, scanlines: rows)
    }
}
