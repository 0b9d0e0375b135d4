# NixOS module: imports = [ ./packaging/nix/module.nix ];
#   services.tiny-dfr.enable = true;
#   services.tiny-dfr.settings = { MediaLayerDefault = true; };
# settings is rendered to /etc/tiny-dfr/config.toml, the user config the
# daemon merges over its shipped one (key by key) and watches: a change is
# picked up without a restart (and the unit is reloaded too).
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.services.tiny-dfr;
  settingsFormat = pkgs.formats.toml { };
  configFile = settingsFormat.generate "tiny-dfr.toml" cfg.settings;
in
{
  options.services.tiny-dfr = {
    enable = lib.mkEnableOption "tiny-dfr, the Touch Bar daemon (started by udev when a Touch Bar appears)";

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The tiny-dfr package.";
    };

    settings = lib.mkOption {
      type = settingsFormat.type;
      default = { };
      example = lib.literalExpression ''
        {
          MediaLayerDefault = true;
          ShowButtonOutlines = false;
          AdaptiveBrightness = true;
        }
      '';
      description = ''
        The user configuration, written to /etc/tiny-dfr/config.toml: any key
        of tiny-dfr.toml(5). Keys left out keep the shipped defaults.
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    environment.systemPackages = [ cfg.package ];
    # The unit, tiny-dfr-backlight@.service and the udev rules from the package.
    systemd.packages = [ cfg.package ];
    services.udev.packages = [ cfg.package ];

    # What the package's sysusers.d file asks for, the NixOS way.
    users.users.tiny-dfr = {
      isSystemUser = true;
      group = "tiny-dfr";
      description = "tiny-dfr Touch Bar daemon";
    };
    users.groups.tiny-dfr = { };

    environment.etc."tiny-dfr/config.toml" = lib.mkIf (cfg.settings != { }) {
      source = configFile;
    };

    systemd.services.tiny-dfr = {
      reloadTriggers = lib.optional (cfg.settings != { }) configFile;
      # No /bin/kill on NixOS.
      serviceConfig.ExecReload = [
        ""
        "+${pkgs.coreutils}/bin/kill -HUP $MAINPID"
      ];
    };
    # No chgrp/chmod in systemd's search path on NixOS: give store paths.
    systemd.services."tiny-dfr-backlight@".serviceConfig.ExecStart = [
      ""
      "${pkgs.coreutils}/bin/chgrp video /sys/class/backlight/%i/brightness"
      "${pkgs.coreutils}/bin/chmod g+w /sys/class/backlight/%i/brightness"
    ];
  };
}
