# tiny-dfr, the package: nix-build -E 'with import <nixpkgs> { }; callPackage ./package.nix { }'
# Built through the project Makefile (static binary, CGO_ENABLED=0) from
# buildGoModule's vendored modules; PREFIX=$out, so the unit's ExecStart=
# and the compiled-in base config point into the store.
{
  lib,
  buildGoModule,
  src ? lib.cleanSource ../..,
  version ? "0.1.0",
}:

buildGoModule {
  pname = "tiny-dfr";
  inherit version src;

  # The NAR hash of "go mod vendor"'s vendor/ for this go.mod
  # (packaging/test.sh checks it: nix-hash --type sha256 --sri vendor).
  vendorHash = "sha256-UwqJFSsw++FXAAY4wgFvY7g6IMxnAOK3vc5BYQdCvkQ=";

  env.CGO_ENABLED = 0;

  buildPhase = ''
    runHook preBuild
    make VERSION=${version} GOFLAGS="-trimpath -mod=vendor"
    runHook postBuild
  '';

  # The tests that matter need a QEMU guest or a compositor (the
  # project's CI runs them).
  doCheck = false;

  installPhase = ''
    runHook preInstall
    make install PREFIX=$out SYSCONFDIR=/etc VERSION=${version} GOFLAGS="-trimpath -mod=vendor"
    install -Dm644 LICENSE THIRD_PARTY_NOTICES.md -t $out/share/licenses/tiny-dfr
    runHook postInstall
  '';

  meta = {
    description = "Function keys and media controls on the Apple Touch Bar";
    homepage = "https://github.com/tiny-dfr/tiny-dfr";
    # The daemon and Material icons: Apache-2.0; Go, x/ modules and Go
    # fonts: BSD-3-Clause; go-toml: MIT.
    license = with lib.licenses; [
      asl20
      bsd3
      mit
    ];
    platforms = [
      "x86_64-linux"
      "aarch64-linux"
    ];
    mainProgram = "tiny-dfr";
  };
}
