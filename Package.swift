// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "switchboard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"])
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.115.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/vapor/swift-openapi-vapor.git", from: "1.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
    ],
    targets: [
        .target(name: "SwitchboardCore", dependencies: ["CUchardet", "CPhoneNumber"]),
        // libphonenumber has no pkg-config file in Debian: a C face over its C++ (Sources/CPhoneNumber).
        .target(name: "CPhoneNumber", linkerSettings: [.linkedLibrary("phonenumber")]),
        .target(name: "CConcurrencyHook"),
        .systemLibrary(
            name: "CUchardet",
            pkgConfig: "uchardet",
            providers: [.apt(["libuchardet-dev"])]
        ),
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(
            name: "App",
            dependencies: [
                "SwitchboardCore",
                "CQRencode",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIVapor", package: "swift-openapi-vapor"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("openapi.yaml")],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: ["App", "CConcurrencyHook", .product(name: "NIOPosix", package: "swift-nio")],
            // What the server keeps resident of its own files (bench/README.md, "Memory"): 10 MB less with Swift's
            // runtime and Foundation linked in (`-static-stdlib`), LLVM's linker packing the relative relocations
            // (`DT_RELR`, glibc 2.36: 36 kB read at start instead of 2.5 MB) and no symbol exported (the driver exports
            // the executable's own for plugins loaded at run time; the server loads none, and finds the one runtime
            // symbol it looks up through the linker: EventLoopExecutor.swift). Here rather than SwiftPM's command-line
            // `--static-swift-stdlib` so that every build of the executable links as a release does: `make run`, the
            // browser and telephony tests. The libraries after the flags are what the static Foundation needs beyond
            // what the compiler records for modules compiled against the shared one (its own parts, libxml2).
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-stdlib", "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                        "-Xlinker", "--no-export-dynamic",
                        "-lFoundationEssentials", "-lFoundationInternationalization", "-l_FoundationICU",
                        "-l_FoundationCShims", "-l_FoundationCollections", "-lCoreFoundation", "-l_CFXMLInterface",
                        "-lxml2",
                    ], .when(platforms: [.linux]))
            ]
        ),
        .testTarget(name: "SwitchboardCoreTests", dependencies: ["SwitchboardCore"], exclude: ["Fixtures"]),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
