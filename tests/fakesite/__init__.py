"""A fixture web server on 127.0.0.1 (ephemeral ports) serving synthetic government portals."""

from .server import FakeServer, Hit, Route, Site
from .sites import hanweb_site, plain_site, trs_site

__all__ = ["FakeServer", "Hit", "Route", "Site", "hanweb_site", "plain_site", "trs_site"]
