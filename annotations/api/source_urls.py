from rest_framework.routers import SimpleRouter

from annotations.api.sources import DomainViewSet, SourceViewSet

router = SimpleRouter()
router.register("sources", SourceViewSet, basename="source")
router.register("domains", DomainViewSet, basename="domain")

urlpatterns = router.urls
